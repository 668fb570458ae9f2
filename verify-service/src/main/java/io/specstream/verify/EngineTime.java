package io.specstream.verify;

/**
 * Where an engine's wall time went so far, in nanoseconds: prefill at admission and the batched forward of its
 * steps. A caller that times a step from outside subtracts both to get draft choice and acceptance.
 */
public record EngineTime(long prefillNanos, long forwardNanos) {

    /** Both engines' time together. */
    public EngineTime plus(EngineTime other) {
        return new EngineTime(prefillNanos + other.prefillNanos, forwardNanos + other.forwardNanos);
    }

    /** What was spent since {@code earlier}. */
    public EngineTime since(EngineTime earlier) {
        return new EngineTime(prefillNanos - earlier.prefillNanos, forwardNanos - earlier.forwardNanos);
    }
}
