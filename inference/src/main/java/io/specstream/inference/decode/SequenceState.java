package io.specstream.inference.decode;

/**
 * Where a sequence's cached tokens live: a row of a {@link CacheBlock} and, per position, the column holding it.
 * Columns past the slot list (padding, truncated or rejected tokens) are simply masked.
 */
final class SequenceState {

    final SequenceId id;
    SlotList slots;
    CacheBlock block;
    int row;
    /** The decoder step that last fed it (for a new sequence: the step count when it was added). */
    long lastFed;

    SequenceState(SequenceId id, SlotList slots, CacheBlock block, int row, long lastFed) {
        this.id = id;
        this.slots = slots;
        this.block = block;
        this.row = row;
        this.lastFed = lastFed;
    }

    int length() {
        return slots.size();
    }
}
