package io.specstream.draft.bench;

import io.specstream.contract.SequenceKey;
import io.specstream.draft.SuffixDrafter;
import io.specstream.draft.SuffixSettings;
import io.specstream.inference.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What one suffix proposal costs, and one committed token, with a history of 1,000 earlier rollouts of 100 tokens
 * over 100 prompts of 32 tokens (10 rollouts per prompt, as RL re-samples them), for contexts (prompt + committed
 * response) of 64, 256 and 512 tokens. Two kinds of text from a 768-token vocabulary: "rollouts", where every
 * rollout of a prompt copies that prompt's reference answer with 20% of its tokens replaced at random (matches
 * are frequent and long), and "random" (matches are rare and short):
 * <pre>
 * java -cp deploy/target/specstream.jar io.specstream.draft.bench.SuffixDrafterBenchmark
 * </pre>
 */
public final class SuffixDrafterBenchmark {

    private static final int VOCAB = 768;
    private static final int PROMPTS = 100;
    private static final int PROMPT_TOKENS = 32;
    private static final int HISTORY_ROLLOUTS = 1_000;
    private static final int ROLLOUT_TOKENS = 100;
    private static final int SEQUENCES = 64;
    private static final int ROUNDS = 2_000;
    private static final int K = 4;
    private static final long HISTORY_BUDGET = 200_000;

    private SuffixDrafterBenchmark() {
    }

    public static void main(String[] args) {
        System.out.println("context  kind      µs/proposal  µs/commit token  tails  mean tail  history tokens  index nodes"
                + "  heap MB  (64 sequences per call, k = 4, defaults, history budget 200,000)");
        run(256, true, false); // JIT warm-up, not printed
        for (int length : new int[] {64, 256, 512}) {
            for (boolean repetitive : new boolean[] {true, false}) {
                run(length, repetitive, true);
            }
        }
    }

    private static void run(int length, boolean repetitive, boolean print) {
        long heapBefore = usedHeap();
        SplittableRandom random = new SplittableRandom(length);
        Texts texts = new Texts(random, repetitive);
        SuffixSettings defaults = SuffixSettings.defaults();
        // the defaults but with room for the whole history (about 1 KB of heap per token)
        SuffixDrafter drafter = new SuffixDrafter(new SuffixSettings(defaults.maxDepth(), defaults.maxPatternLength(),
                defaults.growthFactor(), defaults.maxSpeculation(), defaults.minPathShare(), HISTORY_BUDGET));
        for (int r = 0; r < HISTORY_ROLLOUTS; r++) {
            int prompt = r % PROMPTS;
            SequenceKey key = new SequenceKey("history-" + r, 0);
            drafter.open(key, texts.prompts[prompt], SamplingParams.greedy(), 0);
            drafter.onCommitted(key, 0, texts.response(prompt, ROLLOUT_TOKENS));
            drafter.forget(key);
        }
        List<SequenceKey> keys = new ArrayList<>();
        long committed = 0;
        long started = System.nanoTime();
        for (int s = 0; s < SEQUENCES; s++) {
            int prompt = s % PROMPTS;
            SequenceKey key = new SequenceKey("bench-" + s, 0);
            drafter.open(key, texts.prompts[prompt], SamplingParams.greedy(), 0);
            int[] response = texts.response(prompt, length - PROMPT_TOKENS);
            for (int position = 0; position < response.length; position += K) {
                int end = Math.min(response.length, position + K);
                drafter.onCommitted(key, position, Arrays.copyOfRange(response, position, end));
            }
            committed += response.length;
            keys.add(key);
        }
        double commitMicros = (System.nanoTime() - started) / 1e3 / committed;
        for (int warm = 0; warm < ROUNDS / 4; warm++) {
            drafter.proposeAll(keys, K);
        }
        long tails = 0;
        long tailTokens = 0;
        started = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            for (var tail : drafter.proposeAll(keys, K).values()) {
                tails++;
                tailTokens += tail.tokens().length;
            }
        }
        double proposalMicros = (System.nanoTime() - started) / 1e3 / ((double) ROUNDS * SEQUENCES);
        double heapMegabytes = (usedHeap() - heapBefore) / 1e6;
        if (!print) {
            return;
        }
        System.out.printf("%7d  %-8s  %11.2f  %15.2f  %4.0f%%  %9.1f  %14d  %11d  %7.0f%n", length,
                repetitive ? "rollouts" : "random", proposalMicros, commitMicros,
                100.0 * tails / ((double) ROUNDS * SEQUENCES), tails == 0 ? 0.0 : (double) tailTokens / tails,
                drafter.historyTokens(), drafter.indexNodes(), heapMegabytes);
    }

    /** Heap in use after a collection: an estimate, enough to size the history budget. */
    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Prompts and, per prompt, a reference answer that rollouts copy with some tokens replaced. */
    private static final class Texts {

        private final SplittableRandom random;
        private final boolean repetitive;
        private final int[][] prompts = new int[PROMPTS][];
        private final int[][] answers = new int[PROMPTS][];

        Texts(SplittableRandom random, boolean repetitive) {
            this.random = random;
            this.repetitive = repetitive;
            for (int p = 0; p < PROMPTS; p++) {
                prompts[p] = randomTokens(PROMPT_TOKENS);
                answers[p] = randomTokens(512);
            }
        }

        int[] response(int prompt, int length) {
            int[] response = new int[length];
            for (int i = 0; i < length; i++) {
                boolean copy = repetitive && random.nextInt(5) != 0;
                response[i] = copy ? answers[prompt][i % answers[prompt].length] : random.nextInt(VOCAB);
            }
            return response;
        }

        private int[] randomTokens(int length) {
            int[] tokens = new int[length];
            for (int i = 0; i < length; i++) {
                tokens[i] = random.nextInt(VOCAB);
            }
            return tokens;
        }
    }
}
