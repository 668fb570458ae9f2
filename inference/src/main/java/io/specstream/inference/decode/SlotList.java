package io.specstream.inference.decode;

import java.util.Arrays;

/** position -> cache column of one sequence, as a growable int array (no boxing on the hot path). */
final class SlotList {

    private int[] slots;
    private int size;

    SlotList(int capacity) {
        slots = new int[Math.max(capacity, 16)];
    }

    static SlotList range(int count) {
        SlotList list = new SlotList(count);
        for (int i = 0; i < count; i++) {
            list.add(i);
        }
        return list;
    }

    void add(int slot) {
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
        }
        slots[size++] = slot;
    }

    int get(int position) {
        return slots[position];
    }

    int size() {
        return size;
    }

    void truncate(int length) {
        size = length;
    }

    SlotList copy() {
        SlotList copy = new SlotList(slots.length);
        System.arraycopy(slots, 0, copy.slots, 0, size);
        copy.size = size;
        return copy;
    }
}
