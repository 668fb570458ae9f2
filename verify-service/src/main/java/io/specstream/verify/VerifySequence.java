package io.specstream.verify;

import io.specstream.contract.SequenceKey;
import io.specstream.inference.decode.SequenceId;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SampledToken;
import io.specstream.inference.sampling.SamplingParams;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One sample's verification state. The committed response's last token is "pending": the target chose it, but
 * its keys/values are not cached yet, so the decoder holds {@code prompt + committed - 1} tokens and the next step
 * feeds the pending token first.
 *
 * <p>Example: prompt of 10, committed [5, 9, 4] → decoder length 12, pending 4, next token at response position 3
 * (whole-sequence position 13).
 */
public final class VerifySequence {

    private final SequenceKey key;
    private final SequenceId id;
    private final int[] promptIds;
    private final SamplingParams params;
    private final NoiseKey noise;
    private final StopRule stopRule;
    private int[] response = new int[32];
    private double[] rawLogProbs = new double[32];
    private double[] samplingLogProbs = new double[32];
    private int length;
    private int verifySteps;
    private final Map<String, DrafterStats> drafters = new LinkedHashMap<>();
    private FinishReason finish;

    public VerifySequence(SequenceKey key, SequenceId id, RolloutSpec spec, StopRule stopRule) {
        this.key = key;
        this.id = id;
        this.promptIds = spec.promptIds();
        this.params = spec.sampling();
        this.noise = NoiseKey.of(spec.seed(), key.requestId(), key.sampleIndex(), 0);
        this.stopRule = stopRule;
    }

    public SequenceKey key() {
        return key;
    }

    public SequenceId decoderId() {
        return id;
    }

    public int promptLength() {
        return promptIds.length;
    }

    public SamplingParams params() {
        return params;
    }

    /** Number of committed response tokens, pending included. */
    public int committedLength() {
        return length;
    }

    /** The committed response tokens (a copy). */
    public int[] committed() {
        return Arrays.copyOf(response, length);
    }

    /** The committed response with its log-probs, as a snapshot records it. */
    public CommittedPrefix prefix() {
        return new CommittedPrefix(committed(), Arrays.copyOf(rawLogProbs, length),
                Arrays.copyOf(samplingLogProbs, length));
    }

    /** Committed response tokens without copying; valid entries are {@code [0, committedLength())}. */
    int[] committedView() {
        return response;
    }

    public int pending() {
        return response[length - 1];
    }

    /** Noise key of the token at response position {@code position}. */
    public NoiseKey noiseAt(int position) {
        return noise.atPosition(promptIds.length + position);
    }

    /** Tokens that may still be committed before max tokens or the context end. */
    public int room() {
        return stopRule.room(length);
    }

    public Optional<FinishReason> finish() {
        return Optional.ofNullable(finish);
    }

    /** Appends the target's token and applies the stop rule; returns the finish reason if this token ended it. */
    public Optional<FinishReason> commit(SampledToken token) {
        if (finish != null) {
            throw new IllegalStateException(key + " is already finished (" + finish + ")");
        }
        if (length == response.length) {
            response = Arrays.copyOf(response, length * 2);
            rawLogProbs = Arrays.copyOf(rawLogProbs, length * 2);
            samplingLogProbs = Arrays.copyOf(samplingLogProbs, length * 2);
        }
        response[length] = token.token();
        rawLogProbs[length] = token.rawLogProb();
        samplingLogProbs[length] = token.samplingLogProb();
        length++;
        finish = stopRule.check(response, length).orElse(null);
        return finish();
    }

    /** Counts a verify step; {@code drafter} is the one whose tail was verified, if any. */
    public void recordStep(Optional<String> drafter, int proposed, int accepted) {
        verifySteps++;
        drafter.ifPresent(name -> drafters.merge(name, DrafterStats.NONE.plus(proposed, accepted),
                (old, now) -> old.plus(proposed, accepted)));
    }

    public int verifySteps() {
        return verifySteps;
    }

    public Map<String, DrafterStats> drafterStats() {
        return Map.copyOf(drafters);
    }

    public CompletedRollout complete(String responseText) {
        if (finish == null) {
            throw new IllegalStateException(key + " is not finished");
        }
        return new CompletedRollout(key.requestId(), key.sampleIndex(), promptIds, committed(), responseText,
                Arrays.copyOf(rawLogProbs, length), Arrays.copyOf(samplingLogProbs, length), finish, drafters,
                verifySteps);
    }
}
