package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.verify.CompletedRollout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One request between admission and hand-off, owned by the step thread: its samples run in the engine, each
 * sample's first-token time is noted, finished samples are held until the last one finishes, and then the whole
 * group leaves as one {@link CompletedRequest} for the I/O side to commit in one transaction. Holding a GRPO group
 * until it is whole costs nothing a trainer would use (advantages need the whole group) and keeps a rebalance
 * simple: a revoked request has no rollout out yet.
 *
 * <pre>
 *   running ──(a sample finishes)──► running, held [r#1] ──(last sample)──► complete → CompletedRequest (sent)
 *      └──────────────(its partition is revoked)──────────────► dropped; the new owner decodes it again
 * </pre>
 */
final class InFlightRequest {

    private final Admission admission;
    private final FirstToken[] firstTokens;
    private final List<CompletedRollout> held = new ArrayList<>();

    InFlightRequest(Admission admission) {
        this.admission = admission;
        this.firstTokens = new FirstToken[admission.spec().samples()];
    }

    Admission admission() {
        return admission;
    }

    /** Whether sample {@code sampleIndex} is still decoding. */
    boolean running(int sampleIndex) {
        return sampleIndex >= 0 && sampleIndex < firstTokens.length
                && held.stream().noneMatch(rollout -> rollout.sampleIndex() == sampleIndex);
    }

    /** The sample's first token came out of a step timed {@code first}; later steps do not change it. */
    void firstToken(int sampleIndex, FirstToken first) {
        if (firstTokens[sampleIndex] == null) {
            firstTokens[sampleIndex] = first;
        }
    }

    /** A sample finished; the whole group once it was the last, sorted by sample index. */
    Optional<CompletedRequest> finished(CompletedRollout rollout) {
        held.add(rollout);
        if (held.size() < firstTokens.length) {
            return Optional.empty();
        }
        held.sort(Comparator.comparingInt(CompletedRollout::sampleIndex));
        List<FirstToken> firsts = new ArrayList<>(firstTokens.length);
        for (FirstToken first : firstTokens) {
            // every sample's first token comes out of a step before it can finish; the fallback only avoids a null
            firsts.add(first != null ? first : new FirstToken(admission.receivedAtMs(), admission.receivedAtMs()));
        }
        return Optional.of(new CompletedRequest(admission, held, firsts));
    }

    List<SequenceKey> keys() {
        List<SequenceKey> keys = new ArrayList<>(firstTokens.length);
        for (int s = 0; s < firstTokens.length; s++) {
            keys.add(new SequenceKey(admission.requestId(), s));
        }
        return keys;
    }
}
