package io.specstream.contract;

import io.specstream.schemas.avro.DrafterAssignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssignmentBookTest {

    private final AssignmentBook book = new AssignmentBook();

    private static DrafterAssignment assignment(String requestId, List<String> drafters, String primary, int k) {
        return DrafterAssignment.newBuilder().setRequestId(requestId).setDrafters(List.copyOf(drafters))
                .setPrimary(primary).setK(k).build();
    }

    @Test
    void withoutAnAssignmentEveryDrafterRuns() {
        assertTrue(book.runs("r1", "suffix"));
        assertTrue(book.runs("r1", "draft-small"));
        assertTrue(book.runs("r1", "draft-tiny"));
    }

    @Test
    void withoutAnAssignmentThereIsNoRanking() {
        assertEquals(Optional.empty(), book.ranking("r1"));
    }

    @Test
    void listedDraftersRun() {
        book.apply("r1", assignment("r1", List.of("suffix", "draft-small"), "suffix", 6));

        assertTrue(book.runs("r1", "suffix"));
        assertTrue(book.runs("r1", "draft-small"));
    }

    @Test
    void unlistedDraftersDoNotRun() {
        book.apply("r1", assignment("r1", List.of("suffix", "draft-small"), "suffix", 6));

        assertFalse(book.runs("r1", "draft-tiny"));
        assertFalse(book.runs("r1", "ngram"));
    }

    @Test
    void anAssignmentOnlyConcernsItsOwnRequest() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));

        assertTrue(book.runs("r2", "draft-tiny"));
        assertEquals(Optional.empty(), book.ranking("r2"));
        assertEquals(0, book.k("r2"));
    }

    @Test
    void rankingIsThePrimaryFirstThenTheListedOrderWithoutRepeats() {
        book.apply("r1", assignment("r1", List.of("draft-small", "suffix", "ngram"), "suffix", 6));

        assertEquals(Optional.of(List.of("suffix", "draft-small", "ngram")), book.ranking("r1"));
    }

    @Test
    void rankingWithoutAPrimaryIsTheListedOrder() {
        book.apply("r1", assignment("r1", List.of("draft-small", "suffix"), null, 6));

        assertEquals(Optional.of(List.of("draft-small", "suffix")), book.ranking("r1"));
    }

    @Test
    void kComesFromTheAssignment() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));

        assertEquals(6, book.k("r1"));
    }

    @Test
    void kIsZeroWithoutAnAssignment() {
        assertEquals(0, book.k("r1"));
    }

    @Test
    void aLaterAssignmentReplacesTheEarlierOne() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));
        book.apply("r1", assignment("r1", List.of("draft-small"), "draft-small", 3));

        assertFalse(book.runs("r1", "suffix"));
        assertEquals(Optional.of(List.of("draft-small")), book.ranking("r1"));
        assertEquals(3, book.k("r1"));
        assertEquals(1, book.size());
    }

    @Test
    void aTombstoneForgetsTheRequest() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));

        book.apply("r1", null);

        assertTrue(book.runs("r1", "draft-tiny"));
        assertEquals(Optional.empty(), book.ranking("r1"));
        assertEquals(0, book.k("r1"));
        assertEquals(0, book.size());
    }

    @Test
    void forgetForgetsTheRequest() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));
        book.apply("r2", assignment("r2", List.of("suffix"), "suffix", 4));

        book.forget("r1");

        assertTrue(book.runs("r1", "draft-tiny"));
        assertEquals(Optional.empty(), book.ranking("r1"));
        assertEquals(0, book.k("r1"));
        assertEquals(4, book.k("r2"));
        assertEquals(1, book.size());
    }

    @Test
    void anAssignmentWithKBelowOneIsRefusedAndTheRequestKeepsItsDrafters() {
        book.apply("r1", assignment("r1", List.of("suffix"), "suffix", 6));

        Optional<String> refusal = book.apply("r1", assignment("r1", List.of("draft-small"), "draft-small", 0));

        assertEquals(Optional.of("assignment for request r1: k=0 is not valid; allowed values: an integer >= 1"), refusal);
        assertEquals(Optional.of(List.of("suffix")), book.ranking("r1"));
        assertEquals(6, book.k("r1"));
    }

    @Test
    void anAssignmentWithABlankDrafterNameIsRefused() {
        Optional<String> refusal = book.apply("r1", assignment("r1", List.of("suffix", " "), "suffix", 6));

        assertTrue(refusal.orElseThrow().contains("a drafter name is blank"), refusal.toString());
        assertEquals(Optional.empty(), book.ranking("r1"));
    }

    @Test
    void aBookOfKnownDraftersRefusesAnUnknownOneNamingTheKnownOnes() {
        AssignmentBook knowing = new AssignmentBook(Set.of("suffix", "ngram"));
        knowing.apply("r1", assignment("r1", List.of("ngram"), "ngram", 4));

        Optional<String> refusal = knowing.apply("r1", assignment("r1", List.of("suffix"), "draft-huge", 4));

        assertEquals(Optional.of("assignment for request r1: drafter 'draft-huge' is not run by any service; "
                + "allowed values: [ngram, suffix]"), refusal);
        assertEquals(Optional.of(List.of("ngram")), knowing.ranking("r1"));
    }

    @Test
    void aBookWithoutKnownDraftersTakesAnyName() {
        assertEquals(Optional.empty(), book.apply("r1", assignment("r1", List.of("draft-huge"), "draft-huge", 4)));
        assertTrue(book.runs("r1", "draft-huge"));
    }
}
