package io.specstream.inference.sampling;

/**
 * Counter-based random numbers: a uniform in (0, 1) is a pure function of (key, token), built by chaining the
 * SplitMix64 finalizer over the key's fields. No state, so draws can be recomputed anywhere in any order.
 */
public final class CounterRng {

    private CounterRng() {
    }

    /** Uniform in the open interval (0, 1) for vocabulary entry {@code token} under {@code key}. */
    public static double uniform(NoiseKey key, int token) {
        return uniform(keyHash(key), token);
    }

    /** Standard Gumbel noise: -log(-log(u)). */
    public static double gumbel(NoiseKey key, int token) {
        return gumbel(keyHash(key), token);
    }

    /**
     * The part of the chain that depends on the key alone: a draw over a whole vocabulary hashes the key once and
     * each token once ({@code uniform(keyHash(key), t) == uniform(key, t)}).
     */
    static long keyHash(NoiseKey key) {
        long h = mix(key.seed() ^ 0x5851f42d4c957f2dL);
        h = mix(h ^ key.requestKey());
        h = mix(h ^ key.sampleIndex());
        return mix(h ^ ((long) key.position() << 32));
    }

    static double uniform(long keyHash, int token) {
        return ((mix(keyHash ^ token) >>> 11) + 0.5) * 0x1.0p-53;
    }

    static double gumbel(long keyHash, int token) {
        return -Math.log(-Math.log(uniform(keyHash, token)));
    }

    static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
