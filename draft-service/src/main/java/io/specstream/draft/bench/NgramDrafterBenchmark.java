package io.specstream.draft.bench;

import io.specstream.draft.NgramDrafter;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What one n-gram proposal costs, at the worst (random tokens from a 768-token vocabulary rarely repeat, so every
 * n is scanned over the whole context) and on a repetitive context, for context lengths up to the model's 512:
 * <pre>
 * java -cp deploy/target/specstream.jar io.specstream.draft.bench.NgramDrafterBenchmark
 * </pre>
 */
public final class NgramDrafterBenchmark {

    private static final int SEQUENCES = 64;
    private static final int ROUNDS = 2_000;

    private NgramDrafterBenchmark() {
    }

    public static void main(String[] args) {
        System.out.println("context  kind        µs per proposal (64 sequences per call, k = 4, n in [1, 3])");
        for (int length : new int[] {64, 256, 512}) {
            for (boolean repetitive : new boolean[] {false, true}) {
                System.out.printf("%7d  %-10s  %.2f%n", length, repetitive ? "repetitive" : "random",
                        microsPerProposal(length, repetitive));
            }
        }
    }

    private static double microsPerProposal(int length, boolean repetitive) {
        SplittableRandom random = new SplittableRandom(length);
        NgramDrafter drafter = new NgramDrafter(1, 3);
        List<SequenceKey> keys = new ArrayList<>();
        for (int s = 0; s < SEQUENCES; s++) {
            int[] prompt = new int[length];
            for (int i = 0; i < length; i++) {
                prompt[i] = repetitive ? 3 + (i % 17) : 3 + random.nextInt(765);
            }
            SequenceKey key = new SequenceKey("bench", s);
            drafter.open(key, prompt, SamplingParams.greedy(), 0);
            keys.add(key);
        }
        for (int warm = 0; warm < ROUNDS / 4; warm++) {
            drafter.proposeAll(keys, 4);
        }
        long started = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            drafter.proposeAll(keys, 4);
        }
        return (System.nanoTime() - started) / 1e3 / ((double) ROUNDS * SEQUENCES);
    }
}
