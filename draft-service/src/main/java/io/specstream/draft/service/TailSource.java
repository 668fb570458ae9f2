package io.specstream.draft.service;

import io.specstream.contract.DrafterPool;
import io.specstream.contract.SequenceFollower;
import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.contract.SequenceKey;

import java.util.List;
import java.util.Map;

/**
 * One drafter as the {@link DraftLoop} drives it: a {@link SequenceFollower} (the loop's {@link DrafterPool} forwards
 * prompts and commits through it) that, after each poll, says which tails to publish now. Two kinds:
 * <ul>
 *   <li>{@link #runAhead(ModelDrafter)} — a draft model grows every tail by one token per call, up to its window,
 *       and a tail is published every {@link DraftLoop#PUBLISH_EVERY} tokens;</li>
 *   <li>{@link #lookup(Drafter, int)} — a model-free drafter (n-gram, suffix) answers at once, so it proposes only
 *       for sequences whose context changed since its last proposal, and a tail goes out only when it differs from
 *       the last one published.</li>
 * </ul>
 */
public sealed interface TailSource extends SequenceFollower permits RunAheadTails, LookupTails {

    /** Tails to publish now, each with the drafting time spent on it for its sequence, and whether work is left. */
    record Drafted(Map<SequenceKey, DraftTail> tails, Map<SequenceKey, Long> costMicros, boolean workLeft) {
    }

    Drafter drafter();

    @Override
    default String name() {
        return drafter().name();
    }

    /** Drafts for {@code keys} (the followed sequences this drafter runs for). */
    Drafted draft(List<SequenceKey> keys);

    static TailSource runAhead(ModelDrafter drafter) {
        return new RunAheadTails(drafter);
    }

    static TailSource lookup(Drafter drafter, int k) {
        return new LookupTails(drafter, k);
    }
}
