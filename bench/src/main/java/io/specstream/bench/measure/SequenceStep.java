package io.specstream.bench.measure;

/**
 * What one verify step did for one sequence, as far as the benchmark cares: the drafter whose draft it verified
 * ({@code null}: none), draft tokens verified and accepted, the step's width (tokens fed per sequence, as the
 * verifier chose it for the whole batch), when the step ended (epoch milliseconds), and whether a valid draft was on
 * hand for it at all ({@code draftOnHand}: one verified, or usable ones left unverified — the goodput controller
 * chose a narrower step, or ranked another first).
 */
public record SequenceStep(String drafter, int proposed, int accepted, int width, long timestampMs,
                           boolean draftOnHand) {

    /** A step as the verifier reports it when a draft was on hand exactly when one was verified. */
    public SequenceStep(String drafter, int proposed, int accepted, int width, long timestampMs) {
        this(drafter, proposed, accepted, width, timestampMs, drafter != null && proposed > 0);
    }
}
