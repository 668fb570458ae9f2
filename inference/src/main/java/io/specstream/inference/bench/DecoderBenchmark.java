package io.specstream.inference.bench;

import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.PrefilledGroup;
import io.specstream.inference.decode.SequenceId;
import io.specstream.inference.decode.StepRequest;
import io.specstream.inference.decode.StepResult;
import io.specstream.inference.model.CacheLayout;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.sampling.TokenSampler;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints, per model, plain-decoding throughput at batch 1, 8, 32, 64 and the cost of a step that feeds 1 + k
 * tokens per sequence relative to a 1-token step (k = 1..8), as Markdown tables; then the host copy cost of the
 * KV cache that a GPU run without IO binding pays every step.
 *
 * <pre>
 * java -cp ... io.specstream.inference.bench.DecoderBenchmark [models-dir] [intra-op-threads]
 * </pre>
 */
public final class DecoderBenchmark {

    private static final int[] BATCHES = {1, 8, 32, 64};
    private static final int MAX_K = 8;
    private static final int PROMPT_LENGTH = 32;
    private static final int WARMUP_STEPS = 4;
    private static final int TIMED_STEPS = 32;
    private static final int REPEATS = 15;

    private DecoderBenchmark() {
    }

    public static void main(String[] args) {
        Path models = Path.of(args.length > 0 ? args[0] : "models");
        InferenceOptions options = InferenceOptions.from(Map.of(InferenceOptions.THREADS_KEY, args.length > 1 ? args[1] : "1"));
        System.out.printf(Locale.ROOT, "# DecoderBenchmark: %s, %s, intra-op threads %d, prompt %d tokens%n%n",
                models.toAbsolutePath().normalize(), options.provider(), options.intraOpThreads(), PROMPT_LENGTH);
        for (String name : List.of("target", "draft-small", "draft-tiny")) {
            try (DecoderSession session = DecoderSession.open(ModelDirectory.open(models.resolve(name)), options)) {
                benchmark(name, session);
            }
        }
    }

    private static void benchmark(String name, DecoderSession session) {
        CacheLayout layout = session.cacheLayout();
        System.out.printf(Locale.ROOT, "## %s (%d layers, %d KV heads x %d, %d bytes of cache per token)%n%n",
                name, layout.layers(), layout.kvHeads(), layout.headDim(), layout.bytesPerToken());
        StringBuilder header = new StringBuilder("| batch | tokens/s (1 token/step) | ms/step |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int k = 1; k <= MAX_K; k++) {
            header.append(" 1+").append(k).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        // untimed: the first row a process measures runs cold (JIT, the runtime's first allocations); measured here,
        // batch 1 took 1.57 ms a step as the first row and 0.46–0.67 ms when measured again later in the same run
        row(session, BATCHES[0]);
        for (int batch : BATCHES) {
            System.out.println(row(session, batch));
        }
        System.out.println();
        hostCopy(layout);
    }

    private static String row(DecoderSession session, int batch) {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            int[] prompt = new int[PROMPT_LENGTH];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 3 + (i * 37) % (session.vocabSize() - 3);
            }
            PrefilledGroup group = decoder.addGroup(prompt, batch);
            List<SequenceId> ids = group.sequences();
            int[] next = new int[batch];
            java.util.Arrays.fill(next, TokenSampler.argmax(group.lastLogits()));
            for (int i = 0; i < WARMUP_STEPS; i++) {
                plainStep(decoder, ids, next);
            }
            long[] times = new long[TIMED_STEPS];
            for (int i = 0; i < TIMED_STEPS; i++) {
                long start = System.nanoTime();
                plainStep(decoder, ids, next);
                times[i] = System.nanoTime() - start;
            }
            double stepSeconds = median(times) / 1e9;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %.0f | %.2f |",
                    batch, batch / stepSeconds, stepSeconds * 1e3));
            for (int k = 1; k <= MAX_K; k++) {
                row.append(String.format(Locale.ROOT, " %.2f |", verifyCostRatio(decoder, ids, k)));
            }
            return row.toString();
        }
    }

    private static void plainStep(BatchedDecoder decoder, List<SequenceId> ids, int[] next) {
        List<StepRequest> requests = new ArrayList<>(ids.size());
        for (int b = 0; b < ids.size(); b++) {
            requests.add(StepRequest.of(ids.get(b), next[b]));
        }
        StepResult result = decoder.step(requests);
        for (int b = 0; b < ids.size(); b++) {
            next[b] = result.logits(ids.get(b)).argmax(0);
        }
    }

    /**
     * Median time of a step feeding 1 + k tokens to every sequence over the median time of a 1-token step, the two
     * alternating so that load from other processes hits both alike. Every step is undone by truncation, so the
     * context stays put; the medians keep the occasional compaction out.
     */
    private static double verifyCostRatio(BatchedDecoder decoder, List<SequenceId> ids, int k) {
        int length = decoder.length(ids.get(0));
        long[] single = new long[REPEATS];
        long[] verify = new long[REPEATS];
        for (int repeat = -2; repeat < REPEATS; repeat++) {
            long one = timedStep(decoder, ids, 0, length);
            long many = timedStep(decoder, ids, k, length);
            if (repeat >= 0) {
                single[repeat] = one;
                verify[repeat] = many;
            }
        }
        return median(verify) / median(single);
    }

    private static long timedStep(BatchedDecoder decoder, List<SequenceId> ids, int k, int length) {
        List<StepRequest> requests = new ArrayList<>(ids.size());
        for (SequenceId id : ids) {
            int[] feed = new int[1 + k];
            for (int i = 0; i < feed.length; i++) {
                feed[i] = 5 + i;
            }
            requests.add(new StepRequest(id, feed));
        }
        long start = System.nanoTime();
        StepResult result = decoder.step(requests);
        for (SequenceId id : ids) {
            for (int row = 0; row <= k; row++) {
                result.logits(id).argmax(row); // the verifier reads every row
            }
        }
        long elapsed = System.nanoTime() - start;
        for (SequenceId id : ids) {
            decoder.truncate(id, length);
        }
        return elapsed;
    }

    /** Host memcpy of a batch-64, 256-token cache: what each GPU step would move both ways without IO binding. */
    private static void hostCopy(CacheLayout layout) {
        int batch = 64;
        int context = 256;
        long bytes = layout.bytesPerToken() * batch * context;
        ByteBuffer source = ByteBuffer.allocateDirect((int) bytes);
        ByteBuffer target = ByteBuffer.allocateDirect((int) bytes);
        long[] times = new long[23];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            target.clear().put(source.clear());
            times[i] = System.nanoTime() - start;
        }
        double seconds = median(times) / 1e9;
        System.out.printf(Locale.ROOT,
                "Host copy of the cache at batch %d x %d tokens (%.1f MB): %.3f ms (%.1f GB/s), %.1f ns per token of context%n%n",
                batch, context, bytes / 1e6, seconds * 1e3, bytes / seconds / 1e9, seconds * 1e9 / (batch * context));
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
