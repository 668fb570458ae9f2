package io.specstream.verify;

/** One drafter's record on one sequence: verify steps that used its tail, tokens it proposed, tokens accepted. */
public record DrafterStats(long verifySteps, long proposed, long accepted) {

    public static final DrafterStats NONE = new DrafterStats(0, 0, 0);

    public DrafterStats plus(int proposedNow, int acceptedNow) {
        return new DrafterStats(verifySteps + 1, proposed + proposedNow, accepted + acceptedNow);
    }

    /** Mean accepted tokens per verify step that used this drafter. */
    public double acceptedPerStep() {
        return verifySteps == 0 ? 0 : (double) accepted / verifySteps;
    }
}
