package io.specstream.verify;

import io.specstream.inference.sampling.SampledToken;

import java.util.Arrays;

/**
 * Response tokens a sequence had already committed, with the log-probs the target gave them: what a snapshot on the
 * {@code sequences} topic carries, so that a verifier taking a sequence over resumes it instead of decoding it again.
 * Decoding is a function of (seed, request, sample index, position), so the tokens after a resumed prefix are the
 * ones the first verifier would have committed.
 */
public record CommittedPrefix(int[] tokens, double[] rawLogProbs, double[] samplingLogProbs) {

    public static final CommittedPrefix EMPTY = new CommittedPrefix(new int[0], new double[0], new double[0]);

    public CommittedPrefix {
        if (tokens.length != rawLogProbs.length || tokens.length != samplingLogProbs.length) {
            throw new IllegalArgumentException("a committed prefix needs one raw and one sampling log-prob per token: "
                    + tokens.length + " tokens, " + rawLogProbs.length + " raw, " + samplingLogProbs.length
                    + " sampling");
        }
        tokens = tokens.clone();
        rawLogProbs = rawLogProbs.clone();
        samplingLogProbs = samplingLogProbs.clone();
    }

    public int length() {
        return tokens.length;
    }

    public SampledToken at(int position) {
        return new SampledToken(tokens[position], rawLogProbs[position], samplingLogProbs[position]);
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public double[] rawLogProbs() {
        return rawLogProbs.clone();
    }

    @Override
    public double[] samplingLogProbs() {
        return samplingLogProbs.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CommittedPrefix that && Arrays.equals(tokens, that.tokens)
                && Arrays.equals(rawLogProbs, that.rawLogProbs) && Arrays.equals(samplingLogProbs, that.samplingLogProbs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "CommittedPrefix[" + tokens.length + " tokens]";
    }
}
