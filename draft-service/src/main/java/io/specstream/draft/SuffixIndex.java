package io.specstream.draft;

import java.util.Arrays;

/**
 * A trie of every substring, up to {@code maxDepth} tokens long, of the token streams of one prompt group, with an
 * occurrence count per node; grown one token at a time in O(maxDepth). Streams are kept apart (a substring never
 * spans two streams) by giving each its own {@link Cursor}: the nodes of the stream's current suffixes.
 *
 * <p>Worked example, maxDepth 4, one stream {@code [5, 7, 9, 5, 7]}. Every substring of up to 4 tokens is a node
 * ({@code [5]} ×2, {@code [5, 7]} ×2, {@code [5, 7, 9]} ×1, {@code [7, 9, 5]} ×1, ...). The stream's suffix
 * {@code [5, 7]} is a node whose only continuation is {@code 9} (count 1 of 1 continued occurrence; the
 * occurrence at the very end has no continuation yet and does not count), so
 * {@code longestContinuedMatch} is 2 and {@code follow} from there proposes {@code 9}, then {@code 5} (from
 * {@code [5, 7, 9]}); it stops at depth 4, the trie's bound. The longer suffix {@code [9, 5, 7]} occurred only at
 * the end, so it is no match.
 *
 * <p>Nodes live in parallel int arrays and children in one open-addressing table keyed by (parent, token), so a
 * node costs a few dozen bytes and no objects. Counts only grow, so each node's most frequent child is kept
 * up to date on every increment (ties go to the child that reached the count last: the most recent).
 */
final class SuffixIndex {

    private static final int ROOT = 0;
    private static final int NONE = -1;

    private final int maxDepth;
    private int[] count = new int[64];
    /** Sum of the children's counts: how many occurrences of this node were followed by another token. */
    private int[] continued = new int[64];
    private int[] topChild = new int[64];
    /** The token on the edge from a node's parent into it. */
    private int[] edgeToken = new int[64];
    private int nodes = 1;

    private long[] slotKeys = new long[128];
    /** Child node per slot; 0 marks an empty slot (the root is never a child). */
    private int[] slotChildren = new int[128];
    private int usedSlots;

    SuffixIndex(int maxDepth) {
        if (maxDepth < 2) {
            throw new IllegalArgumentException("maxDepth=" + maxDepth + " is not valid; allowed values: >= 2");
        }
        this.maxDepth = maxDepth;
        topChild[ROOT] = NONE;
    }

    /** A cursor at the start of a new stream. */
    Cursor newStream() {
        return new Cursor(maxDepth);
    }

    /** Appends {@code token} to the stream of {@code cursor}: counts it once in every suffix it ends. */
    void append(Cursor cursor, int token) {
        int[] suffixes = cursor.nodes;
        // longest first, so suffixes[length] is read before it is overwritten by its extension
        for (int length = cursor.depth; length >= 1; length--) {
            int extended = countChild(suffixes[length], token);
            if (length + 1 < maxDepth) {
                suffixes[length + 1] = extended;
            }
        }
        suffixes[1] = countChild(ROOT, token);
        cursor.depth = Math.min(cursor.depth + 1, maxDepth - 1);
    }

    /**
     * Length of the stream's longest suffix, at most {@code maxLength}, that occurred before with a continuation;
     * 0 when none did.
     */
    int longestContinuedMatch(Cursor cursor, int maxLength) {
        for (int length = Math.min(maxLength, cursor.depth); length >= 1; length--) {
            if (continued[cursor.nodes[length]] > 0) {
                return length;
            }
        }
        return 0;
    }

    /**
     * Follows the most frequent continuation from the stream's suffix of {@code matchLength} tokens, at most
     * {@code maxTokens} tokens, stopping where the path's share (the product of each step's child count over its
     * parent's continued count) would fall below {@code minPathShare}, or at the trie's depth bound.
     */
    int[] follow(Cursor cursor, int matchLength, int maxTokens, double minPathShare) {
        int node = cursor.nodes[matchLength];
        int[] tokens = new int[Math.min(maxTokens, maxDepth - matchLength)];
        int taken = 0;
        double pathShare = 1.0;
        while (taken < tokens.length && continued[node] > 0) {
            int child = topChild[node];
            pathShare *= (double) count[child] / continued[node];
            if (pathShare < minPathShare) {
                break;
            }
            tokens[taken++] = edgeToken[child];
            node = child;
        }
        return taken == tokens.length ? tokens : Arrays.copyOf(tokens, taken);
    }

    /** Nodes in the trie, the root included: the index's memory is proportional to it. */
    int nodeCount() {
        return nodes;
    }

    private int countChild(int parent, int token) {
        int child = childOrCreate(parent, token);
        count[child]++;
        continued[parent]++;
        int top = topChild[parent];
        if (top == NONE || count[child] >= count[top]) {
            topChild[parent] = child;
        }
        return child;
    }

    private int childOrCreate(int parent, int token) {
        long key = key(parent, token);
        int mask = slotKeys.length - 1;
        int slot = slotOf(key, mask);
        while (slotChildren[slot] != 0) {
            if (slotKeys[slot] == key) {
                return slotChildren[slot];
            }
            slot = (slot + 1) & mask;
        }
        int child = newNode(token);
        slotKeys[slot] = key;
        slotChildren[slot] = child;
        if (++usedSlots * 3 > slotKeys.length * 2) {
            growTable();
        }
        return child;
    }

    private int newNode(int token) {
        if (nodes == count.length) {
            int capacity = count.length * 2;
            count = Arrays.copyOf(count, capacity);
            continued = Arrays.copyOf(continued, capacity);
            topChild = Arrays.copyOf(topChild, capacity);
            edgeToken = Arrays.copyOf(edgeToken, capacity);
        }
        topChild[nodes] = NONE;
        edgeToken[nodes] = token;
        return nodes++;
    }

    private void growTable() {
        long[] oldKeys = slotKeys;
        int[] oldChildren = slotChildren;
        slotKeys = new long[oldKeys.length * 2];
        slotChildren = new int[oldKeys.length * 2];
        int mask = slotKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldChildren[i] != 0) {
                int slot = slotOf(oldKeys[i], mask);
                while (slotChildren[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slotKeys[slot] = oldKeys[i];
                slotChildren[slot] = oldChildren[i];
            }
        }
    }

    private static long key(int parent, int token) {
        return ((long) parent << 32) | (token & 0xffffffffL);
    }

    private static int slotOf(long key, int mask) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    /**
     * Where one stream stands: {@code nodes[length]} is the node of its suffix of {@code length} tokens, for every
     * length up to {@code depth} (capped at maxDepth - 1: a suffix of maxDepth tokens cannot be extended).
     */
    static final class Cursor {

        private final int[] nodes;
        private int depth;

        private Cursor(int maxDepth) {
            this.nodes = new int[maxDepth];
        }

        private Cursor(Cursor other) {
            this.nodes = other.nodes.clone();
            this.depth = other.depth;
        }

        /** A cursor that continues this stream's position independently, e.g. each sample after a shared prompt. */
        Cursor fork() {
            return new Cursor(this);
        }
    }
}
