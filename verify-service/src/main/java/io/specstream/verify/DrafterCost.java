package io.specstream.verify;

/**
 * What a drafter running inside the verifier costs the verifier's thread, per sequence, in nanoseconds: one drafter
 * step while it drafts on every verify step ({@code perStep}), and the first round after a pause ({@code resume}:
 * the catch-up on every token committed meanwhile — a draft model whose cache fell more than its window behind
 * prefills the sequence's whole context again); {@code paused} when it did not draft for the last step, so that
 * drafting now pays the resume first.
 *
 * <p>Example, draft-small at one sequence on this project's CPU runs: about 0.4 ms a step, 2–8 ms to resume after
 * a hundred plain steps — so switching it on costs as much as ten of its steps, and probing it once in a while more
 * than four.
 */
public record DrafterCost(double perStep, double resume, boolean paused) {

    /** Nothing measured yet: drafting looks free until it is tried. */
    public static final DrafterCost UNMEASURED = new DrafterCost(0, 0, false);

    public DrafterCost {
        if (perStep < 0 || resume < 0) {
            throw new IllegalArgumentException("drafter costs must be >= 0, got " + perStep + " and " + resume);
        }
    }

    /** A drafter drafting every step at {@code perStep}, resuming at as much: for tests and examples. */
    public static DrafterCost perStep(double perStep) {
        return new DrafterCost(perStep, perStep, false);
    }

    /** The same costs, {@code paused} or not. */
    public DrafterCost paused(boolean paused) {
        return new DrafterCost(perStep, resume, paused);
    }

    /** What drafting {@code tokens} tokens now costs per sequence: tokens + 1 steps, or a resume and tokens steps. */
    public double ofRound(int tokens) {
        return paused ? resume + tokens * perStep : (tokens + 1) * perStep;
    }
}
