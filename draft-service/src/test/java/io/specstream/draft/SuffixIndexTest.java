package io.specstream.draft;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SuffixIndexTest {

    @Test
    void theDocumentedExampleMatchesTwoTokensAndFollowsToTheDepthBound() {
        SuffixIndex index = new SuffixIndex(4);
        SuffixIndex.Cursor stream = streamOf(index, 5, 7, 9, 5, 7);

        int match = index.longestContinuedMatch(stream, 3);

        assertEquals(2, match, "[9, 5, 7] occurred only at the end; [5, 7] went on with 9");
        assertArrayEquals(new int[] {9, 5}, index.follow(stream, match, 10, 0.0));
    }

    @Test
    void aSuffixSeenOnlyAtTheEndIsNoMatch() {
        SuffixIndex index = new SuffixIndex(8);

        assertEquals(0, index.longestContinuedMatch(streamOf(index, 5, 7, 9), 4));
    }

    @Test
    void theMatchIsCappedAtTheGivenPatternLength() {
        SuffixIndex index = new SuffixIndex(8);
        SuffixIndex.Cursor stream = streamOf(index, 1, 2, 3, 4, 9, 1, 2, 3, 4);

        assertEquals(2, index.longestContinuedMatch(stream, 2));
    }

    @Test
    void substringsDoNotSpanTwoStreams() {
        SuffixIndex index = new SuffixIndex(8);
        streamOf(index, 1, 2);
        streamOf(index, 3, 4);

        // had the streams been one, [2] would have gone on with 3
        assertEquals(0, index.longestContinuedMatch(streamOf(index, 2), 4));
    }

    @Test
    void theMostFrequentContinuationIsFollowed() {
        SuffixIndex index = new SuffixIndex(8);
        streamOf(index, 1, 2, 3);
        streamOf(index, 1, 2, 3);
        streamOf(index, 1, 2, 4);
        streamOf(index, 1, 2, 3);
        streamOf(index, 1, 2, 4); // the most recent, but 4 has 2 continuations to 3's 3
        SuffixIndex.Cursor stream = streamOf(index, 1, 2);

        assertArrayEquals(new int[] {3}, index.follow(stream, 2, 4, 0.0));
    }

    @Test
    void equallyFrequentContinuationsGoToTheMostRecent() {
        SuffixIndex index = new SuffixIndex(8);
        streamOf(index, 7, 8);
        streamOf(index, 7, 9);
        SuffixIndex.Cursor stream = streamOf(index, 7);

        assertArrayEquals(new int[] {9}, index.follow(stream, 1, 4, 0.0));
    }

    @Test
    void followingStopsWhereThePathShareFallsBelowTheMinimum() {
        SuffixIndex index = new SuffixIndex(8);
        streamOf(index, 1, 2, 3, 5, 8);
        streamOf(index, 1, 2, 3, 5, 9);
        streamOf(index, 1, 2, 3, 6);
        SuffixIndex.Cursor stream = streamOf(index, 1, 2);

        // 3 has 3/3, then 5 has 2/3 (path 0.67), then 8 or 9 has 1/2 (path 0.33 < 0.5)
        assertArrayEquals(new int[] {3, 5}, index.follow(stream, 2, 8, 0.5));
    }

    @Test
    void aForkedCursorContinuesFromTheSharedPrefixIndependently() {
        SuffixIndex index = new SuffixIndex(8);
        SuffixIndex.Cursor prompt = streamOf(index, 1, 2);
        SuffixIndex.Cursor first = prompt.fork();
        SuffixIndex.Cursor second = prompt.fork();
        index.append(first, 6);
        index.append(first, 7);

        assertEquals(2, index.longestContinuedMatch(second, 4));
        assertArrayEquals(new int[] {6, 7}, index.follow(second, 2, 4, 0.0));
    }

    @Test
    void aLargeIndexKeepsEveryCountAcrossTableGrowth() {
        SuffixIndex index = new SuffixIndex(6);
        SuffixIndex.Cursor history = index.newStream();
        for (int token = 0; token < 20_000; token++) {
            index.append(history, token);
        }
        SuffixIndex.Cursor stream = streamOf(index, 12_345, 12_346);

        assertEquals(2, index.longestContinuedMatch(stream, 4));
        assertArrayEquals(new int[] {12_347, 12_348, 12_349, 12_350}, index.follow(stream, 2, 4, 1.0));
    }

    private static SuffixIndex.Cursor streamOf(SuffixIndex index, int... tokens) {
        SuffixIndex.Cursor cursor = index.newStream();
        for (int token : tokens) {
            index.append(cursor, token);
        }
        return cursor;
    }
}
