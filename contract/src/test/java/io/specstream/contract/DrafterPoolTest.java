package io.specstream.contract;

import io.specstream.inference.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrafterPoolTest {

    private static final SequenceKey KEY = new SequenceKey("r1", 0);
    private static final RequestTerms TERMS = new RequestTerms(new int[] {5, 7}, 1, SamplingParams.greedy(), 3);

    /** Proposes the last committed token again, k times; remembers every call. */
    private static final class Echo implements Drafter {
        final String name;
        final boolean refuses;
        final List<String> calls = new ArrayList<>();
        final Map<SequenceKey, List<Integer>> context = new HashMap<>();

        Echo(String name, boolean refuses) {
            this.name = name;
            this.refuses = refuses;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
            calls.add("open " + key);
            if (refuses) {
                throw new IllegalArgumentException("prompt too long for " + name);
            }
            List<Integer> tokens = new ArrayList<>();
            for (int id : promptIds) {
                tokens.add(id);
            }
            context.put(key, tokens);
        }

        @Override
        public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
            calls.add("commit " + key + " @" + startPosition);
            if (startPosition > context.get(key).size() - 2) {
                throw new IllegalArgumentException("gap at " + startPosition);
            }
            for (int token : tokens) {
                context.get(key).add(token);
            }
        }

        @Override
        public void forget(SequenceKey key) {
            calls.add("forget " + key);
            context.remove(key);
        }

        @Override
        public Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k) {
            Map<SequenceKey, DraftTail> tails = new HashMap<>();
            for (SequenceKey key : keys) {
                List<Integer> tokens = context.get(key);
                int[] tail = new int[k];
                java.util.Arrays.fill(tail, tokens.get(tokens.size() - 1));
                tails.put(key, new DraftTail(name, tokens.size() - 2, tail));
            }
            return tails;
        }
    }

    @Test
    void anOpenedSequenceIsFollowedByEveryDrafter() {
        Echo a = new Echo("a", false);
        Echo b = new Echo("b", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a, b));

        assertTrue(pool.open(KEY, TERMS).isEmpty());

        assertTrue(pool.follows(KEY));
        assertEquals(List.of("open r1#0"), a.calls);
        assertEquals(List.of("open r1#0"), b.calls);
    }

    @Test
    void aSequenceOneDrafterRefusesIsFollowedByNoneAndTheReasonComesBack() {
        Echo a = new Echo("a", false);
        Echo b = new Echo("b", true);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a, b));

        assertEquals("prompt too long for b", pool.open(KEY, TERMS).orElseThrow());

        assertFalse(pool.follows(KEY));
        assertEquals(List.of("open r1#0", "forget r1#0"), a.calls);
    }

    @Test
    void commitsReachEveryDrafterAndMoveTheCommittedLength() {
        Echo a = new Echo("a", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a));
        pool.open(KEY, TERMS);

        pool.committed(KEY, 0, new int[] {9, 4}, false);

        assertEquals(OptionalInt.of(2), pool.committedLength(KEY));
        assertEquals(List.of(5, 7, 9, 4), a.context.get(KEY));
    }

    @Test
    void theFinishingDeltaIsHeardBeforeTheSequenceIsForgotten() {
        Echo a = new Echo("a", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a));
        pool.open(KEY, TERMS);

        pool.committed(KEY, 0, new int[] {9}, true);

        assertEquals(List.of("open r1#0", "commit r1#0 @0", "forget r1#0"), a.calls);
        assertEquals(OptionalInt.empty(), pool.committedLength(KEY));
    }

    @Test
    void aDeltaTheDraftersCannotApplyForgetsTheSequenceAndComesThrough() {
        Echo a = new Echo("a", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a));
        pool.open(KEY, TERMS);

        assertThrows(IllegalArgumentException.class, () -> pool.committed(KEY, 5, new int[] {9}, false));

        assertFalse(pool.follows(KEY));
    }

    @Test
    void commitsOfSequencesNotFollowedAreIgnored() {
        Echo a = new Echo("a", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a));

        pool.committed(KEY, 0, new int[] {9}, false);

        assertEquals(List.of(), a.calls);
    }

    @Test
    void proposalsComeWithTheirDraftingCostPerSequence() {
        Echo a = new Echo("a", false);
        DrafterPool<Drafter> pool = new DrafterPool<>(List.of(a));
        pool.open(KEY, TERMS);

        DrafterPool.Proposals proposals = DrafterPool.propose(a, List.of(KEY), 3);

        assertEquals(new DraftTail("a", 0, new int[] {7, 7, 7}), proposals.tails().get(KEY));
        assertTrue(proposals.microsPerSequence() >= 0);
    }

    @Test
    void twoDraftersOfOneNameAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new DrafterPool<>(List.of(new Echo("a", false), new Echo("a", false))));

        assertTrue(refused.getMessage().contains("'a' is configured twice"), refused.getMessage());
    }
}
