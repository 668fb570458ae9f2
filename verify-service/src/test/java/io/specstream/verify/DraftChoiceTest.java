package io.specstream.verify;

import io.specstream.contract.DraftTail;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DraftChoiceTest {

    private static final int VOCAB = 100;
    private static final int[] COMMITTED = {5, 9};
    private static final int LIMIT = 4;

    private final DraftChoice choice = new DraftChoice(new DraftValidity(VOCAB));

    private static DraftTail tail(String drafter, int start, int... tokens) {
        return new DraftTail(drafter, start, tokens);
    }

    private DraftChoice.Chosen choose(DraftCandidates candidates) {
        return choice.choose(candidates, COMMITTED, COMMITTED.length, LIMIT);
    }

    /** e.g. "suffix[3, 3, 8]": arrays inside records compare by identity, so compare their renderings. */
    private static List<String> rendered(List<DraftChoice.Usable> usable) {
        return usable.stream().map(u -> u.drafter() + Arrays.toString(u.tokens())).toList();
    }

    @Test
    void rankedCandidatesVerifyTheFirstUsableOneEvenIfItIsShorter() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.rankedOf(
                List.of(tail("ngram", 2, 3), tail("suffix", 1, 9, 3, 3, 8)), 0));

        assertEquals(Optional.of("ngram"), chosen.drafter());
        assertArrayEquals(new int[] {3}, chosen.tokens());
    }

    @Test
    void unrankedCandidatesVerifyTheLongestUsableOne() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(
                List.of(tail("ngram", 2, 3), tail("suffix", 1, 9, 3, 3, 8)), 0));

        assertEquals(Optional.of("suffix"), chosen.drafter());
        assertArrayEquals(new int[] {3, 3, 8}, chosen.tokens());
    }

    @Test
    void theLongestIsJudgedByItsUsablePartNotByTheWholeTail() {
        // "overlapping" carries 3 tokens but only 1 lies past the committed length; "fresh" offers 2
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(
                List.of(tail("overlapping", 0, 5, 9, 3), tail("fresh", 2, 3, 4)), 0));

        assertEquals(Optional.of("fresh"), chosen.drafter());
    }

    @Test
    void rankedChoiceSkipsStaleFutureAndOutOfVocabularyCandidates() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.rankedOf(List.of(
                tail("stale", 1, 7, 3, 3),
                tail("future", 3, 3, 3),
                tail("foreign", 2, 3, VOCAB),
                tail("usable", 2, 3, 4)), 0));

        assertEquals(Optional.of("usable"), chosen.drafter());
        assertArrayEquals(new int[] {3, 4}, chosen.tokens());
    }

    @Test
    void unrankedChoiceSkipsUnusableCandidatesEvenWhenTheyAreLonger() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(List.of(
                tail("stale", 1, 7, 3, 3, 3, 3),
                tail("future", 3, 3, 3, 3, 3),
                tail("foreign", 2, 3, 3, 3, VOCAB),
                tail("usable", 2, 3)), 0));

        assertEquals(Optional.of("usable"), chosen.drafter());
        assertArrayEquals(new int[] {3}, chosen.tokens());
    }

    @Test
    void theOtherUsableCandidatesComeBackAsOthersCutToTheirUsablePartInListOrder() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.rankedOf(List.of(
                tail("first", 2, 3),
                tail("stale", 1, 7, 3),
                tail("overlapping", 0, 5, 9, 3, 3, 8),
                tail("fresh", 2, 4, 4)), 0));

        assertEquals(List.of("overlapping[3, 3, 8]", "fresh[4, 4]"), rendered(chosen.others()));
    }

    @Test
    void unrankedChoiceReturnsTheShorterCandidatesAsOthers() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(
                List.of(tail("ngram", 2, 3), tail("suffix", 1, 9, 3, 3, 8)), 0));

        assertEquals(List.of("ngram[3]"), rendered(chosen.others()));
    }

    @Test
    void maxTokensCapsTheChosenDraftBelowTheLimit() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(List.of(tail("suffix", 2, 1, 2, 3, 4, 5)), 2));

        assertArrayEquals(new int[] {1, 2}, chosen.tokens());
    }

    @Test
    void theLimitStillCapsWhenMaxTokensIsLarger() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(List.of(tail("suffix", 2, 1, 2, 3, 4, 5, 6)), 5));

        assertArrayEquals(new int[] {1, 2, 3, 4}, chosen.tokens());
    }

    @Test
    void zeroMaxTokensLeavesTheLimitAsTheOnlyCap() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(List.of(tail("suffix", 2, 1, 2, 3, 4, 5, 6)), 0));

        assertArrayEquals(new int[] {1, 2, 3, 4}, chosen.tokens());
    }

    @Test
    void noCandidatesChooseNothing() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.none());

        assertEquals(Optional.empty(), chosen.drafter());
        assertEquals(0, chosen.tokens().length);
        assertEquals(List.of(), chosen.others());
    }

    @Test
    void candidatesNoneOfWhichIsUsableChooseNothing() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.rankedOf(List.of(
                tail("stale", 1, 7, 3), tail("future", 3, 3), tail("duplicate", 0, 5, 9)), 0));

        assertEquals(Optional.empty(), chosen.drafter());
        assertEquals(0, chosen.tokens().length);
        assertEquals(List.of(), chosen.others());
    }

    @Test
    void weighedByTheGoodputControllerTheCandidateWorthMostIsVerifiedWhateverTheRanking() {
        // ngram's one token is worth 0.9 expected accepted tokens, suffix's three 0.2 each
        DraftChoice.Chosen chosen = choice.choose(DraftCandidates.rankedOf(
                List.of(tail("suffix", 1, 9, 3, 3, 8), tail("ngram", 2, 3)), 0), COMMITTED, COMMITTED.length, LIMIT,
                Optional.of((drafter, tokens) -> drafter.equals("ngram") ? 0.9 * tokens : 0.2 * tokens));

        assertEquals(Optional.of("ngram"), chosen.drafter());
        assertEquals(List.of("suffix[3, 3, 8]"), rendered(chosen.others()));
    }

    @Test
    void aDraftCutToNothingBecomesAnAlternativeStillJudged() {
        DraftChoice.Chosen chosen = choose(DraftCandidates.longestOf(
                List.of(tail("ngram", 2, 3), tail("suffix", 1, 9, 3, 3, 8)), 0)).cappedAt(0);

        assertEquals(Optional.empty(), chosen.drafter());
        assertEquals(0, chosen.tokens().length);
        assertEquals(List.of("suffix[3, 3, 8]", "ngram[3]"), rendered(chosen.others()));
    }
}
