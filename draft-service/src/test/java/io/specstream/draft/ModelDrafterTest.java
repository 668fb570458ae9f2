package io.specstream.draft;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;

import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model drafter on the shipped draft-small model: tails, run-ahead window, commits and rollback. */
class ModelDrafterTest {

    private static final int K = 4;
    private static final SequenceKey KEY = new SequenceKey("req-7", 1);
    private static DecoderSession session;
    private static int[] prompt;

    @BeforeAll
    static void open() {
        ModelDirectory model = ModelDirectory.open(models().resolve("draft-small"));
        session = DecoderSession.open(model, InferenceOptions.cpu(1));
        try (TextTokenizer tokenizer = TextTokenizer.open(model.tokenizerFile())) {
            prompt = new PromptEncoder(tokenizer, model.config()).encode("Q: Sam has 32 dollars and saves 9 dollars every week. How much does he have after 3 weeks?\n");
        }
    }

    private static Path models() {
        String configured = System.getProperty("specstream.models.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "models");
        assertTrue(Files.isDirectory(root), "models directory " + root.toAbsolutePath() + " not found");
        return root;
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static ModelDrafter drafter() {
        return ModelDrafter.withWindowFor("draft-small", session, K);
    }

    /** A drafter following {@code keys} (greedy, the shared prompt), opened in that order: the verifier's. */
    private static ModelDrafter drafterFollowing(List<SequenceKey> keys) {
        ModelDrafter drafter = drafter();
        keys.forEach(key -> drafter.open(key, prompt, SamplingParams.greedy(), 3));
        return drafter;
    }

    private static SamplingParams params(String kind) {
        return kind.equals("greedy") ? SamplingParams.greedy() : new SamplingParams(0.8, 50, 0.95);
    }

    @Test
    void aFreshTailStartsAtPositionZeroWithKTokens() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            DraftTail tail = drafter.propose(KEY, K).orElseThrow();
            assertEquals(0, tail.startPosition());
            assertEquals(K, tail.tokens().length);
            assertEquals("draft-small", tail.drafter());
        }
    }

    @Test
    void runningAheadStopsAtTheWindow() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            for (int round = 0; round < 3 * K; round++) {
                drafter.draftAhead(List.of(KEY));
            }
            assertEquals(2 * K, drafter.tailLength(KEY));
            assertEquals(2 * K, drafter.propose(KEY, 5 * K).orElseThrow().tokens().length);
            assertTrue(drafter.draftAhead(List.of(KEY)).isEmpty(), "a tail at the window must not grow");
        }
    }

    @Test
    void aCommitAgreeingWithTheTailKeepsTheRestOfIt() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            int[] before = drafter.propose(KEY, K).orElseThrow().tokens();
            drafter.onCommitted(KEY, 0, Arrays.copyOf(before, 2));
            assertEquals(K - 2, drafter.tailLength(KEY));
            DraftTail after = drafter.propose(KEY, K).orElseThrow();
            assertEquals(2, after.startPosition());
            assertArrayEquals(Arrays.copyOfRange(before, 2, K), Arrays.copyOf(after.tokens(), K - 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greedy", "sampled"})
    void afterDisagreeingCommitsTheNextDraftEqualsAFreshDrafterFromTheSameContext(String kind) {
        SamplingParams params = params(kind);
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, params, 11);
            int[] committed = new int[0];
            for (int round = 0; round < 6; round++) {
                int[] tail = drafter.propose(KEY, K).orElseThrow().tokens();
                // the verifier accepts the first guess and then decides otherwise than the drafter
                int[] delta = {tail[0], (tail[1] + 1 + round) % session.vocabSize()};
                drafter.onCommitted(KEY, committed.length, delta);
                committed = concat(committed, delta);
                assertEquals(0, drafter.tailLength(KEY), "a disagreeing commit drops the tail");

                DraftTail rolledBack = drafter.propose(KEY, K).orElseThrow();
                DraftTail fresh = freshDraft(committed, params);
                assertEquals(fresh, rolledBack, "round " + round);
                assertEquals(committed.length, rolledBack.startPosition());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greedy", "sampled"})
    void commitsRunningPastAPartlyDraftedTailLeaveTheDraftAFreshDrafterWouldMake(String kind) {
        SamplingParams params = params(kind);
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, params, 11);
            int[] committed = new int[0];
            for (int round = 0; round < 6; round++) {
                for (int grown = 0; grown < round % 3; grown++) {
                    drafter.draftAhead(List.of(KEY));
                }
                int[] tail = drafter.propose(KEY, 1).orElseThrow().tokens();
                // a verifier far ahead: its commit agrees with the first guess, then runs past the whole tail
                int[] delta = new int[2 * K + 1 + round];
                delta[0] = tail[0];
                for (int j = 1; j < delta.length; j++) {
                    delta[j] = (7 * j + 3 * round + 5) % session.vocabSize();
                }
                drafter.onCommitted(KEY, committed.length, delta);
                committed = concat(committed, delta);

                DraftTail lagging = drafter.propose(KEY, K).orElseThrow();
                DraftTail fresh = freshDraft(committed, params);
                assertEquals(fresh, lagging, "round " + round);
            }
        }
    }

    @Test
    void aSequenceTheVerifierRunsIsDraftedBeforeOnesWaitingForTheirFirstCommit() {
        SequenceKey waiting = new SequenceKey("req-8", 0);
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            drafter.open(waiting, prompt, SamplingParams.greedy(), 3);
            drafter.onCommitted(KEY, 0, new int[] {40});

            for (int round = 0; round < 2 * K; round++) {
                assertEquals(List.of(KEY), List.copyOf(drafter.draftAhead(List.of(KEY, waiting)).keySet()),
                        "round " + round);
            }

            assertEquals(2 * K, drafter.tailLength(KEY));
            assertEquals(0, drafter.tailLength(waiting));
            assertEquals(Set.of(waiting), drafter.draftAhead(List.of(KEY, waiting)).keySet(),
                    "with the running tail at its window, the waiting one is drafted for");
        }
    }

    @Test
    void withTheRunningTailFullOnlyTheNextRequestToBeAdmittedIsDraftedAhead() {
        SequenceKey next0 = new SequenceKey("req-8", 0);
        SequenceKey next1 = new SequenceKey("req-8", 1);
        SequenceKey later = new SequenceKey("req-9", 0);
        List<SequenceKey> keys = List.of(KEY, next0, next1, later);
        try (ModelDrafter drafter = drafterFollowing(keys)) {
            drafter.onCommitted(KEY, 0, new int[] {40});
            for (int round = 0; round < 2 * K; round++) {
                drafter.draftAhead(keys);
            }

            // the next request grows whole, though it has more samples than run; nothing for one two places back
            assertOnlyTheseGrowToTheWindow(drafter, keys, Set.of(next0, next1));
            assertEquals(0, drafter.tailLength(later));
        }
    }

    @Test
    void beforeAnySequenceRanEveryQueuedOneIsDraftedAhead() {
        List<SequenceKey> keys = List.of(new SequenceKey("req-8", 0), new SequenceKey("req-9", 0),
                new SequenceKey("req-10", 0));
        try (ModelDrafter drafter = drafterFollowing(keys)) {
            assertEquals(Set.copyOf(keys), drafter.draftAhead(keys).keySet(),
                    "the verifier's batch is unknown yet: it may admit them all at once");
        }
    }

    @Test
    void betweenEpochsAsManyAreDraftedAheadAsRanAtOnceBefore() {
        SequenceKey ran = new SequenceKey("req-7", 0);
        SequenceKey first = new SequenceKey("req-8", 0);
        SequenceKey second = new SequenceKey("req-9", 0);
        try (ModelDrafter drafter = drafter()) {
            drafter.open(ran, prompt, SamplingParams.greedy(), 3);
            drafter.onCommitted(ran, 0, new int[] {40});
            drafter.draftAhead(List.of(ran));
            drafter.forget(ran);   // it finished: nothing runs, one ran at once
            List<SequenceKey> keys = List.of(first, second);
            keys.forEach(key -> drafter.open(key, prompt, SamplingParams.greedy(), 3));

            assertOnlyTheseGrowToTheWindow(drafter, keys, Set.of(first));
            assertEquals(0, drafter.tailLength(second), "the second waits behind the first");
        }
    }

    @Test
    void siblingsInOneBatchDrawTheirOwnSamples() {
        SequenceKey sibling = new SequenceKey(KEY.requestId(), 0);
        SamplingParams params = params("sampled");
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, params, 11);
            drafter.open(sibling, prompt, params, 11);
            var tails = drafter.proposeAll(List.of(KEY, sibling), 2 * K);
            assertEquals(2 * K, tails.get(KEY).tokens().length);
            assertEquals(2 * K, tails.get(sibling).tokens().length);
            assertFalse(Arrays.equals(tails.get(KEY).tokens(), tails.get(sibling).tokens()),
                    "two samples of one request drew the same " + 2 * K + " tokens: their noise keys must differ");
        }
    }

    @Test
    void aCommitLeavingAGapIsRefusedWithThePositions() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            drafter.onCommitted(KEY, 0, new int[] {40});
            var e = assertThrows(IllegalArgumentException.class, () -> drafter.onCommitted(KEY, 3, new int[] {41}));
            assertTrue(e.getMessage().contains("position 3") && e.getMessage().contains("only 1"), e.getMessage());
        }
    }

    @Test
    void aRepeatedCommitIsAcceptedAndAContradictingOneRefused() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            drafter.onCommitted(KEY, 0, new int[] {40, 41});
            drafter.onCommitted(KEY, 1, new int[] {41, 42});
            assertEquals(3, drafter.propose(KEY, K).orElseThrow().startPosition());
            assertThrows(IllegalArgumentException.class, () -> drafter.onCommitted(KEY, 0, new int[] {39}));
        }
    }

    @Test
    void aForgottenSequenceGetsNoTail() {
        try (ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, SamplingParams.greedy(), 3);
            drafter.forget(KEY);
            assertTrue(drafter.propose(KEY, K).isEmpty());
            drafter.forget(KEY); // unknown keys are ignored
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greedy", "sampled"})
    void afterANewModelTheTailGrowsAsThatModelAloneWouldGrowIt(String kind) {
        SamplingParams params = params(kind);
        try (DecoderSession tiny = DecoderSession.open(ModelDirectory.open(models().resolve("draft-tiny")),
                InferenceOptions.cpu(1));
             ModelDrafter drafter = drafter()) {
            drafter.open(KEY, prompt, params, 11);
            int[] first = drafter.propose(KEY, K).orElseThrow().tokens();
            drafter.onCommitted(KEY, 0, Arrays.copyOf(first, 1));
            int[] kept = drafter.propose(KEY, K).orElseThrow().tokens();

            drafter.useModel(tiny);
            DraftTail grown = drafter.propose(KEY, 2 * K).orElseThrow();

            // the old model's tail stays as it was; what follows it is the new model's, from the same context
            assertArrayEquals(kept, Arrays.copyOf(grown.tokens(), kept.length));
            try (ModelDrafter alone = ModelDrafter.withWindowFor("draft-tiny", tiny, K)) {
                alone.open(KEY, prompt, params, 11);
                alone.onCommitted(KEY, 0, concat(Arrays.copyOf(first, 1), kept));
                int[] continued = alone.propose(KEY, K).orElseThrow().tokens();
                assertArrayEquals(Arrays.copyOf(continued, 2 * K - kept.length),
                        Arrays.copyOfRange(grown.tokens(), kept.length, 2 * K));
            }
        }
    }

    /** Run ahead over {@code keys}, exactly {@code growing} grow, round after round, until their tails are full. */
    private static void assertOnlyTheseGrowToTheWindow(ModelDrafter drafter, List<SequenceKey> keys,
                                                       Set<SequenceKey> growing) {
        for (int round = 0; round < 2 * K; round++) {
            assertEquals(growing, drafter.draftAhead(keys).keySet(), "round " + round);
        }
        assertTrue(drafter.draftAhead(keys).isEmpty(), "with those tails full, nothing else grows");
    }

    private static DraftTail freshDraft(int[] committed, SamplingParams params) {
        try (ModelDrafter fresh = drafter()) {
            fresh.open(KEY, prompt, params, 11);
            fresh.onCommitted(KEY, 0, committed);
            return fresh.propose(KEY, K).orElseThrow();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
