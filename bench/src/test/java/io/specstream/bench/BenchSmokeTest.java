package io.specstream.bench;

import io.specstream.bench.report.MarkdownReport;
import io.specstream.topology.cli.SpecStreamCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code specstream bench --size smoke} end to end on the shipped models and prompts (real broker, registry and ONNX
 * sessions): it exits 0 and leaves a well-formed report and charts. No figure is asserted — speed belongs to the
 * benchmark, not to a test.
 */
class BenchSmokeTest {

    private static final Path REPO = Path.of(System.getProperty("specstream.repo.dir", ".."));
    private static final String[] MODES = {"plain", "plain_every_core", "coupled", "decoupled", "fastest",
            "fastest_no_selector"};
    private static final Pattern IMAGE = Pattern.compile("!\\[[^]]+]\\(([^)]+)\\)");

    @TempDir
    static Path out;
    private static int exitCode;
    private static String stdout;
    private static List<String> report;

    @BeforeAll
    static void runSmokeBenchmark() throws Exception {
        StringWriter printed = new StringWriter();
        CommandLine cli = SpecStreamCli.commandLine();
        cli.setOut(new PrintWriter(printed));
        exitCode = cli.execute("bench", "--size", "smoke", "--out", out.toString(),
                "--prompts", REPO.resolve("examples/prompts/rl-math.jsonl").toString(),
                "--model-dir", REPO.resolve("models/target").toString(),
                "--draft-dirs", REPO.resolve("models/draft-small") + "," + REPO.resolve("models/draft-tiny"),
                "--policy-switch", REPO.resolve("models/target-v2").toString());
        stdout = printed.toString();
        report = Files.readAllLines(out.resolve(MarkdownReport.FILE_NAME));
    }

    @Test
    void theSmokeBenchmarkExitsCleanlyAndNamesItsReport() {
        assertEquals(0, exitCode, stdout);
        assertTrue(stdout.contains("report: " + out.resolve(MarkdownReport.FILE_NAME)), stdout);
    }

    @Test
    void theSummaryHasOneRowOfNumbersPerModeSamplingAndConcurrency() {
        for (String sampling : List.of("greedy", "T = 1")) {
            for (int concurrency : List.of(1, 8)) {
                for (String mode : MODES) {
                    String prefix = "| " + sampling + " | " + concurrency + " | " + mode + " | ";
                    List<String> rows = section("## Summary").stream().filter(line -> line.startsWith(prefix)).toList();
                    assertEquals(1, rows.size(), prefix + " in\n" + String.join("\n", report));
                    assertEquals(16, rows.get(0).split("\\|", -1).length, "14 columns between 15 bars: " + rows.get(0));
                    assertTrue(rows.get(0).matches(".*\\| [0-9,]+ \\| [0-9.]+ \\| .*×.*"), rows.get(0));
                }
            }
        }
    }

    /** The lines of the report from {@code heading} to the next heading. */
    private static List<String> section(String heading) {
        int from = report.indexOf(heading);
        assertTrue(from >= 0, heading + " missing");
        List<String> rest = report.subList(from + 1, report.size());
        int to = 0;
        while (to < rest.size() && !rest.get(to).startsWith("## ")) {
            to++;
        }
        return rest.subList(0, to);
    }

    @Test
    void everySpeculativeCellHasItsDraftersInTheAcceptanceTable() {
        assertEverySpeculativeCellHasARow(section("## Acceptance per drafter"),
                ".*\\| [a-z-]+ \\| [0-9,]+ \\| [0-9,]+ \\| [0-9,]+ \\| [0-9.]+ \\| [0-9.]+ \\|");
    }

    @Test
    void withAPolicySwitchEverySpeculativeCellReportsBothVersionsAcceptance() {
        List<String> section = section("## Acceptance per policy version");
        assertEverySpeculativeCellHasARow(section, ".*\\| 0 \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ \\|");
        assertEverySpeculativeCellHasARow(section, ".*\\| 1 \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ \\|");
    }

    /** A row starting with each speculative cell's sampling, concurrency and mode, and matching {@code rest}. */
    private static void assertEverySpeculativeCellHasARow(List<String> section, String rest) {
        for (String sampling : List.of("greedy", "T = 1")) {
            for (int concurrency : List.of(1, 8)) {
                for (String mode : List.of("coupled", "decoupled", "fastest", "fastest_no_selector")) {
                    String prefix = "| " + sampling + " | " + concurrency + " | " + mode + " | ";
                    assertTrue(section.stream().anyMatch(line -> line.startsWith(prefix) && line.matches(rest)),
                            prefix + " missing in\n" + String.join("\n", section));
                }
            }
        }
    }

    @Test
    void everySpeculativeCellHasALimitsRowWithItsStepWidths() {
        List<String> limits = section("## Limits and step widths");
        assertEverySpeculativeCellHasARow(limits, ".*\\| ([0-9.]+|–) \\| ([0-9]+|–) \\| ([0-9.]+×|–) \\| [0-9.]+× "
                + "\\| ([0-9]+ %|–) \\| ([0-9]+: [0-9]+ %(, )?)+ \\|");
        // the step costs the limits come from: one row per concurrency, width 1 first at 1.00
        assertEquals(2, limits.stream().filter(line -> line.matches("\\| [18] \\| 1\\.00(, [0-9.]+)+ \\|")).count(),
                String.join("\n", limits));
    }

    @Test
    void fastestIsComparedWithTheSameDraftersWithoutTheSelectorInEveryCell() {
        // both throughputs, both drafted shares, then fastest over fastest_no_selector
        long rows = section("## What the selector brings").stream().filter(line -> line.matches(
                "\\| (greedy|T = 1) \\| [18] \\| [0-9,]+ \\| [0-9,]+ \\| [0-9]+ % \\| [0-9]+ % \\| [0-9.]+× \\|")).count();
        assertEquals(4, rows, String.join("\n", report));
    }

    @Test
    void theKafkaOverheadIsMeasuredForEveryPlainCell() {
        // pipeline and in-process seconds, the overhead, the forward alone in each and how much slower, both sides'
        // verify steps, then the overhead at equal forward
        long rows = report.stream().filter(line -> line.matches("\\| (greedy|T = 1) \\| [18] \\| [0-9.]+ \\| [0-9.]+ "
                + "\\| [+-][0-9]+ % \\| [0-9.]+ \\| [0-9.]+ \\| [+-][0-9]+ % \\| [0-9,]+ \\| [0-9,]+ \\| [+-][0-9]+ % \\|"))
                .count();
        assertEquals(4, rows, String.join("\n", report));
    }

    @Test
    void whatUsedTheCoresIsMeasuredForEveryCell() {
        List<String> section = section("## What used the cores");
        String shares = ".*\\| [0-9.]+ \\| [0-9]+ % \\| [0-9]+ % \\| [0-9]+ % \\| [0-9]+ \\| [0-9.]+ \\|";
        assertEverySpeculativeCellHasARow(section, shares);
        assertEquals(4, section.stream().filter(line -> line.matches("\\| (greedy|T = 1) \\| [18] \\| plain \\| .*")
                && line.matches(shares)).count(), String.join("\n", section));
        // every cell's verify loop decodes, and decoupled's draft loop drafts: a 0 would mean no thread was read
        for (String line : section) {
            if (line.matches("\\| (greedy|T = 1) \\| .*")) {
                assertTrue(share(line, 5) > 0, line);
            }
            if (line.matches("\\| (greedy|T = 1) \\| [18] \\| decoupled \\| .*")) {
                assertTrue(share(line, 6) > 0, line);
            }
        }
    }

    private static int share(String row, int column) {
        return Integer.parseInt(row.split("\\|")[column].replace("%", "").trim());
    }

    @Test
    void everyChartTheReportShowsIsAPngBesideIt() throws Exception {
        List<String> linked = report.stream().map(IMAGE::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
        assertEquals(10, linked.size(), "throughput, CDF, acceptance, step widths and drafter share per sampling: " + linked);
        for (String file : linked) {
            BufferedImage image = ImageIO.read(out.resolve(file).toFile());
            assertNotNull(image, file + " is not a readable image");
            assertEquals(900, image.getWidth(), file);
            assertEquals(540, image.getHeight(), file);
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(linked.size(), files.filter(f -> f.toString().endsWith(".png")).count(),
                    "no chart left out of the report");
        }
    }
}
