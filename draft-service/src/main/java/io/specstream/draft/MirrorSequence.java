package io.specstream.draft;

import io.specstream.contract.DraftTail;

import io.specstream.inference.decode.SequenceId;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SamplingParams;

import java.util.Arrays;

/**
 * A drafter's copy of one verifier sequence: the committed response followed by the drafter's own unverified
 * tail, and which of those tokens the draft model's cache holds — none until the first draft for it prefills its
 * context (the prompt and whatever was committed by then).
 *
 * <p>Example: committed [5, 9], tail [4, 7, 7] → stream [5, 9, 4, 7, 7]. A commit of 4 at position 2 agrees and
 * keeps everything; a commit of 3 there replaces the tail by [3] and caps the cache at 2 response tokens.
 */
final class MirrorSequence {

    private final int[] prompt;
    final int promptLength;
    final SamplingParams params;
    private final NoiseKey noise;
    /** Its sequence in the draft model's decoder; null until prefilled. */
    SequenceId id;
    private int[] stream = new int[16];
    private int length;
    private int committed;

    MirrorSequence(int[] prompt, SamplingParams params, NoiseKey noise) {
        this.prompt = prompt.clone();
        this.promptLength = prompt.length;
        this.params = params;
        this.noise = noise;
    }

    boolean prefilled() {
        return id != null;
    }

    /** Prompt and response so far: what a prefill computes. */
    int[] context() {
        int[] context = Arrays.copyOf(prompt, promptLength + length);
        System.arraycopy(stream, 0, context, promptLength, length);
        return context;
    }

    /** Noise key of the token at response position {@code position} — the target's own key there. */
    NoiseKey noiseAt(int position) {
        return noise.atPosition(promptLength + position);
    }

    int length() {
        return length;
    }

    int committed() {
        return committed;
    }

    /** Whether the verifier runs it: some token committed (a queued sequence has none). */
    boolean running() {
        return committed > 0;
    }

    int tailLength() {
        return length - committed;
    }

    int tokenAt(int position) {
        return stream[position];
    }

    /** Response tokens [from, length): what must be fed to bring the cache up to date and get the next logits. */
    int[] tokensFrom(int from) {
        return Arrays.copyOfRange(stream, from, length);
    }

    void appendDrafted(int token) {
        if (length == stream.length) {
            stream = Arrays.copyOf(stream, stream.length * 2);
        }
        stream[length++] = token;
    }

    /**
     * Applies a verifier commit and returns how many response tokens the cache may still hold: {@code length}
     * when the commit agreed with the tail, else the disagreement position (everything from it on is stale).
     */
    int applyCommit(int startPosition, int[] tokens) {
        if (startPosition > committed) {
            throw new IllegalArgumentException("commit at response position " + startPosition
                    + " leaves a gap: only " + committed + " tokens were committed before");
        }
        int cacheLimit = Integer.MAX_VALUE;
        for (int j = 0; j < tokens.length; j++) {
            int position = startPosition + j;
            int token = tokens[j];
            if (position < committed) {
                if (stream[position] != token) {
                    throw new IllegalArgumentException("commit of " + token + " at response position " + position
                            + " contradicts the earlier commit of " + stream[position]);
                }
                continue;
            }
            if (position < length && stream[position] == token) {
                committed++;
                continue;
            }
            length = position;
            appendDrafted(token);
            committed++;
            cacheLimit = Math.min(cacheLimit, position);
        }
        return Math.min(cacheLimit, length);
    }

    DraftTail tail(String drafter) {
        return new DraftTail(drafter, committed, Arrays.copyOfRange(stream, committed, length));
    }
}
