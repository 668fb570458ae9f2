package io.specstream.bench.measure;

import io.specstream.inference.decode.StepCostProbe;
import io.specstream.inference.decode.StepCostProbe.StepCost;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.runtime.OnCore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The target's step costs on the verify core, for the report's limits: at each concurrency, a forward of width w
 * (tokens per sequence) over one of width 1, w = 1 .. maxWidth, the median of {@value #PAIRS} pairs of steps over a
 * {@value #CONTEXT}-token context (the probe the verifier's own controller calibrates with).
 */
public final class StepCosts {

    private static final int CONTEXT = 128;
    private static final int PAIRS = 7;

    private StepCosts() {
    }

    /** Per concurrency, c(B, w) / c(B, 1) at element w - 1. */
    public static Map<Integer, double[]> measure(Path targetDir, List<Integer> concurrencies, int maxWidth,
                                                 OptionalInt core) {
        return OnCore.call(core, "step-costs", () -> {
            try (DecoderSession session = DecoderSession.open(ModelDirectory.open(targetDir), InferenceOptions.cpu(1))) {
                List<Integer> widths = IntStream.rangeClosed(1, maxWidth).boxed().toList();
                List<StepCost> costs = StepCostProbe.measure(session, concurrencies, widths, CONTEXT, PAIRS);
                Map<Integer, double[]> relative = new TreeMap<>();
                for (StepCost cost : costs) {
                    double[] row = relative.computeIfAbsent(cost.batch(), b -> new double[maxWidth]);
                    row[cost.width() - 1] = cost.nanos();
                }
                relative.values().forEach(row -> {
                    double single = row[0];
                    for (int w = 0; w < row.length; w++) {
                        row[w] /= single;
                    }
                });
                return relative;
            }
        });
    }
}
