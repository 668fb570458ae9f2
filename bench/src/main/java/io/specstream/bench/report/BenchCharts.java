package io.specstream.bench.report;

import io.specstream.bench.CellKey;
import io.specstream.bench.Sampling;
import io.specstream.bench.measure.AcceptanceLog;
import io.specstream.bench.measure.CellResult;
import io.specstream.pipeline.cli.RunMode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's PNG charts, drawn with XChart: per sampling, throughput by mode and concurrency, and — at the largest
 * concurrency — the completion-time CDF, acceptance over rollout progress and Fastest-of-N's drafter share over time.
 */
public final class BenchCharts {

    /** Slices of a run's wall time for the over-time charts. */
    static final int BINS = 10;
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    private final BenchResults results;

    public BenchCharts(BenchResults results) {
        this.results = results;
    }

    /** Writes every chart into {@code dir}; returns the files, each with the caption the report gives it. */
    public Map<Path, String> write(Path dir) {
        Map<Path, String> written = new LinkedHashMap<>();
        int at = results.largestConcurrency();
        for (Sampling sampling : results.plan().samplings()) {
            String suffix = "-" + sampling.flagValue() + ".png";
            written.put(save(throughput(sampling), dir.resolve("throughput" + suffix)),
                    "Throughput by mode and concurrency, " + sampling.label());
            written.put(save(completionCdf(sampling, at), dir.resolve("completion-cdf" + suffix)),
                    "Sequence completion-time CDF at concurrency " + at + ", " + sampling.label());
            written.put(save(acceptanceOverProgress(sampling, at), dir.resolve("acceptance-progress" + suffix)),
                    "Draft tokens accepted per drafted verify step over the run, concurrency " + at + ", " + sampling.label());
            written.put(save(stepWidths(sampling), dir.resolve("step-widths" + suffix)),
                    "Step widths the goodput controller chose, share of sequence-steps per cell, " + sampling.label());
            results.cell(new CellKey(RunMode.FASTEST, sampling, at)).ifPresent(fastest -> written.put(
                    save(drafterShare(fastest), dir.resolve("drafter-share" + suffix)),
                    "Fastest-of-N: which drafter each verify step used, over the run, concurrency " + at + ", "
                            + sampling.label()));
        }
        return written;
    }

    private CategoryChart throughput(Sampling sampling) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Rollout throughput (" + sampling.label() + ")")
                .xAxisTitle("concurrent sequences per verify instance").yAxisTitle("tokens/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> concurrencies = results.plan().concurrencies().stream().map(String::valueOf).toList();
        for (RunMode mode : results.plan().modes()) {
            List<Double> rates = new ArrayList<>();
            for (int concurrency : results.plan().concurrencies()) {
                rates.add(results.cell(new CellKey(mode, sampling, concurrency))
                        .map(CellResult::tokensPerSecond).orElse(0.0));
            }
            chart.addSeries(mode.flagValue(), concurrencies, rates);
        }
        return chart;
    }

    private XYChart completionCdf(Sampling sampling, int concurrency) {
        XYChart chart = lineChart("Completion-time CDF (" + sampling.label() + ", concurrency " + concurrency + ")",
                "seconds from the epoch's publication to the rollout", "share of sequences finished");
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.0");
        results.modesAt(sampling, concurrency).forEach((mode, cell) -> {
            double[] times = cell.completionTimes();
            double[] share = new double[times.length];
            for (int i = 0; i < times.length; i++) {
                share[i] = (i + 1.0) / times.length;
            }
            if (times.length > 0) {
                chart.addSeries(mode.flagValue(), times, share).setMarker(SeriesMarkers.NONE);
            }
        });
        return chart;
    }

    private XYChart acceptanceOverProgress(Sampling sampling, int concurrency) {
        XYChart chart = lineChart("Acceptance over rollout progress (" + sampling.label() + ", concurrency "
                + concurrency + ")", "% of the run's wall time", "draft tokens accepted per drafted step");
        results.modesAt(sampling, concurrency).forEach((mode, cell) -> {
            double[] mean = cell.steps().acceptanceOverProgress(BINS);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int b = 0; b < BINS; b++) {
                if (!Double.isNaN(mean[b])) {
                    x.add(100.0 * (b + 0.5) / BINS);
                    y.add(mean[b]);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(mode.flagValue(), x, y);
            }
        });
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no drafted steps", new double[]{0, 100}, new double[]{0, 0});
        }
        return chart;
    }

    /** Per speculative cell, the share of its sequence-steps at each width (1 = plain decoding), stacked. */
    private CategoryChart stepWidths(Sampling sampling) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Step widths chosen (" + sampling.label() + ")")
                .xAxisTitle("mode, concurrent sequences").yAxisTitle("share of sequence-steps").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> labels = new ArrayList<>();
        List<Map<Integer, Double>> shares = new ArrayList<>();
        for (int concurrency : results.plan().concurrencies()) {
            results.modesAt(sampling, concurrency).forEach((mode, cell) -> {
                if (mode.drafts()) {
                    labels.add(mode.flagValue() + " " + concurrency);
                    shares.add(cell.steps().widthShares());
                }
            });
        }
        if (labels.isEmpty()) {
            chart.addSeries("width 1", List.of("plain only"), List.of(1.0));
            return chart;
        }
        new TreeSet<Integer>(shares.stream().flatMap(m -> m.keySet().stream()).toList()).forEach(width ->
                chart.addSeries("width " + width, labels,
                        shares.stream().map(m -> m.getOrDefault(width, 0.0)).toList()));
        return chart;
    }

    private CategoryChart drafterShare(CellResult fastest) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Fastest-of-N drafter share over the run (" + fastest.key().sampling().label()
                        + ", concurrency " + fastest.key().concurrency() + ")")
                .xAxisTitle("% of the run's wall time").yAxisTitle("share of sequence-steps").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> slices = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            slices.add(String.format(Locale.ROOT, "%d-%d", 100 * b / BINS, 100 * (b + 1) / BINS));
        }
        fastest.steps().drafterShareOverTime(BINS).forEach((drafter, share) -> chart.addSeries(drafter, slices,
                Arrays.stream(share).boxed().toList()));
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries(AcceptanceLog.NO_DRAFT, slices, Collections.nCopies(BINS, 0.0));
        }
        return chart;
    }

    private static XYChart lineChart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    private static Path save(Chart<?, ?> chart, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
    }
}
