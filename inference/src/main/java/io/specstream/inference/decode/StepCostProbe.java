package io.specstream.inference.decode;

import io.specstream.inference.runtime.DecoderSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Times batched forward steps of a session at chosen batch sizes and widths (tokens fed per sequence), on a decoder
 * of its own with dummy sequences, so that a verifier can learn what a wide step costs on the hardware it runs on
 * before it bets on one. Every step is undone by truncation, so the context stays put; but the cache keeps the
 * abandoned columns until a compaction, and a step's cost grows with them — so each width is timed in pairs with a
 * 1-token step right before it, and its cost is c(B, 1) × the median of the pairs' ratios (DecoderBenchmark's method),
 * c(B, 1) the median of all the 1-token steps. Noise from other processes hits both halves of a pair alike.
 *
 * <p>Example: {@code StepCostProbe.measure(session, List.of(1, 8, 64), List.of(1, 2, 5), 128, 3)} → nine
 * {@link StepCost}s, e.g. (64, 1, 14.1 ms), (64, 2, 23.5 ms), (64, 5, 44.0 ms).
 */
public final class StepCostProbe {

    /** The measured wall time of one forward step of {@code batch} sequences fed {@code width} tokens each. */
    public record StepCost(int batch, int width, long nanos) {
    }

    private StepCostProbe() {
    }

    /** Times every (batch, width) pair over a context of {@code contextLength} tokens, {@code pairs} pairs each. */
    public static List<StepCost> measure(DecoderSession session, List<Integer> batches, List<Integer> widths,
                                         int contextLength, int pairs) {
        int[] prompt = new int[Math.max(1, contextLength)];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 3 + (i * 37) % Math.max(1, session.vocabSize() - 3);
        }
        List<StepCost> costs = new ArrayList<>(batches.size() * widths.size());
        for (int batch : batches) {
            try (BatchedDecoder decoder = new BatchedDecoder(session)) {
                List<SequenceId> ids = decoder.addGroup(prompt, batch).sequences();
                timedStep(decoder, ids, 1, prompt.length); // merges the prompt into the batch: not a step to time
                List<Long> single = new ArrayList<>();
                Map<Integer, List<Double>> ratios = new TreeMap<>();
                for (int pair = 0; pair < pairs; pair++) {
                    for (int width : widths) {
                        long one = timedStep(decoder, ids, 1, prompt.length);
                        long wide = width == 1 ? one : timedStep(decoder, ids, width, prompt.length);
                        single.add(one);
                        ratios.computeIfAbsent(width, w -> new ArrayList<>()).add((double) wide / one);
                    }
                }
                double plain = median(single.stream().mapToDouble(Long::doubleValue).toArray());
                ratios.forEach((width, r) -> costs.add(new StepCost(batch, width,
                        Math.round(plain * median(r.stream().mapToDouble(Double::doubleValue).toArray())))));
            }
        }
        return costs;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static long timedStep(BatchedDecoder decoder, List<SequenceId> ids, int width, int length) {
        List<StepRequest> requests = new ArrayList<>(ids.size());
        int[] feed = new int[width];
        Arrays.setAll(feed, i -> 5 + i);
        for (SequenceId id : ids) {
            requests.add(new StepRequest(id, feed));
        }
        long start = System.nanoTime();
        StepResult result = decoder.step(requests);
        for (SequenceId id : ids) {
            for (int row = 0; row < width; row++) {
                result.logits(id).argmax(row); // the verifier reads every row
            }
        }
        long elapsed = System.nanoTime() - start;
        for (SequenceId id : ids) {
            decoder.truncate(id, length);
        }
        return elapsed;
    }
}
