package io.specstream.verify.service;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.verify.DrafterCost;
import io.specstream.verify.RolloutSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long the drafts of in-verifier drafters are, with and without the selector's k. */
class DraftSourcesTest {

    private static final SequenceKey KEY = new SequenceKey("r1", 0);
    private static final RolloutSpec SPEC = RolloutSpec.greedy("r1", new int[] {5, 7}, 1, 32);

    /** A plan that drafts whatever the cap allows. */
    private static final DraftSources.DraftPlan ALL_OF_IT = new DraftSources.DraftPlan() {
        @Override
        public int tokens(String drafter, int cap, DrafterCost cost) {
            return cap;
        }

        @Override
        public void offered(String drafter, int asked, int usable) {
        }
    };

    @Test
    void anAssignmentsShorterKDoesNotShortenWhatTheVerifierDraftsAndMayVerify() {
        Repeater drafter = new Repeater();
        DraftSources sources = admitted(VerifierDrafting.fastest(List.of(drafter), 8), drafter);

        sources.assigned("r1", assignment(3));
        sources.propose(List.of(KEY), ALL_OF_IT);

        assertEquals(List.of(8), drafter.asked, "the drafter is asked for the configured 8 tokens, not the selector's 3");
        assertEquals(8, sources.candidates(KEY).maxTokens(), "a step may verify up to 8 of them");
    }

    @Test
    void anAssignmentsLongerKLengthensTheDrafts() {
        Repeater drafter = new Repeater();
        DraftSources sources = admitted(VerifierDrafting.fastest(List.of(drafter), 4), drafter);

        sources.assigned("r1", assignment(6));
        sources.propose(List.of(KEY), ALL_OF_IT);

        assertEquals(List.of(6), drafter.asked);
        assertEquals(6, sources.candidates(KEY).maxTokens());
    }

    @Test
    void withoutTheSelectorTheConfiguredLengthHolds() {
        Repeater drafter = new Repeater();
        DraftSources sources = admitted(VerifierDrafting.fastest(List.of(drafter), 8).withoutSelector(), drafter);

        sources.assigned("r1", assignment(3)); // not applied: no selector ranks for this verifier
        sources.propose(List.of(KEY), ALL_OF_IT);

        assertEquals(List.of(8), drafter.asked);
        assertEquals(8, sources.candidates(KEY).maxTokens());
    }

    @Test
    void anAssignmentThatLeavesAnInVerifierDrafterOutDoesNotStopItDrafting() {
        Repeater drafter = new Repeater();
        DraftSources sources = admitted(VerifierDrafting.fastest(List.of(drafter), 4), drafter);

        sources.assigned("r1", DrafterAssignment.newBuilder().setRequestId("r1").setDrafters(List.of("draft-small"))
                .setPrimary("draft-small").setK(4).setUpdatedAtMs(1).build());
        sources.propose(List.of(KEY), ALL_OF_IT);

        assertEquals(List.of(4), drafter.asked, "the goodput controller's plan, not the selector, decides");
        assertEquals(List.of(Repeater.NAME), sources.candidates(KEY).tails().stream().map(DraftTail::drafter).toList());
    }

    @Test
    void requestsOfDifferentLengthsShareOneRoundAtTheLongest() {
        Repeater drafter = new Repeater();
        SequenceKey other = new SequenceKey("r2", 0);
        DraftSources sources = new DraftSources(VerifierDrafting.fastest(List.of(drafter), 4));
        sources.admitted(List.of(KEY, other), requestId -> RolloutSpec.greedy(requestId, new int[] {5, 7}, 1, 32));

        sources.assigned("r1", assignment(6));
        sources.propose(List.of(KEY, other), ALL_OF_IT);

        assertEquals(List.of(6), drafter.asked, "one round for both sequences");
        assertEquals(6, sources.candidates(KEY).maxTokens());
        assertEquals(4, sources.candidates(other).maxTokens(), "r2 may verify its own length only");
    }

    private static DraftSources admitted(VerifierDrafting drafting, Repeater drafter) {
        DraftSources sources = new DraftSources(drafting);
        sources.admitted(List.of(KEY), requestId -> SPEC);
        return sources;
    }

    private static DrafterAssignment assignment(int k) {
        return DrafterAssignment.newBuilder().setRequestId("r1").setDrafters(List.of(Repeater.NAME))
                .setPrimary(Repeater.NAME).setK(k).setUpdatedAtMs(1).build();
    }

    /** Proposes the last token again, as many times as asked; remembers how many each call asked for. */
    private static final class Repeater implements Drafter {
        static final String NAME = "repeater";
        final List<Integer> asked = new ArrayList<>();
        final Map<SequenceKey, int[]> context = new HashMap<>();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
            context.put(key, promptIds.clone());
        }

        @Override
        public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        }

        @Override
        public void forget(SequenceKey key) {
            context.remove(key);
        }

        @Override
        public Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k) {
            asked.add(k);
            Map<SequenceKey, DraftTail> tails = new HashMap<>();
            for (SequenceKey key : keys) {
                int[] tokens = new int[k];
                Arrays.fill(tokens, context.get(key)[context.get(key).length - 1]);
                tails.put(key, new DraftTail(NAME, 0, tokens));
            }
            return tails;
        }
    }
}
