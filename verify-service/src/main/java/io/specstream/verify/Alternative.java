package io.specstream.verify;

/**
 * A usable tail that was not verified in a step, judged against what the step committed: {@code agreed} leading
 * tokens of its {@code proposed} equal the committed ones, which is what it would have had accepted (acceptance is
 * token equality under the target's own keyed noise). When it agreed with every committed token and offered more,
 * {@code agreed} is a lower bound.
 *
 * <p>Example: the step verified draft-small and committed [7, 8, 2]; suffix had offered [7, 8, 5, 1] →
 * {@code Alternative("suffix", 4, 2)}.
 */
public record Alternative(String drafter, int proposed, int agreed) {

    static Alternative judge(String drafter, int[] usable, int[] committed) {
        int agreed = 0;
        while (agreed < usable.length && agreed < committed.length && usable[agreed] == committed[agreed]) {
            agreed++;
        }
        return new Alternative(drafter, usable.length, agreed);
    }
}
