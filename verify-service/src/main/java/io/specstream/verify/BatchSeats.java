package io.specstream.verify;

/**
 * The batch's places, shared by the engines of every live policy version on one verifier: the device's capacity is
 * one, however many versions decode on it. A sequence holds a seat from admission to its end.
 *
 * <pre>{@code
 * BatchSeats seats = new BatchSeats(64);
 * // version 1 runs its tail of 10 sequences, version 2 admits a group of 4 every step while seats.fits(4)
 * }</pre>
 * Step thread only.
 */
public final class BatchSeats {

    private final int capacity;
    private int taken;

    public BatchSeats(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity " + capacity + " is not valid; allowed values: >= 1");
        }
        this.capacity = capacity;
    }

    /** Whether {@code sequences} more fit now. */
    boolean fits(int sequences) {
        return taken + sequences <= capacity;
    }

    void take() {
        taken++;
    }

    void release() {
        taken--;
    }

    public int capacity() {
        return capacity;
    }

    /** Seats taken now, by every engine sharing them. */
    public int taken() {
        return taken;
    }
}
