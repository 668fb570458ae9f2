package io.specstream.pipeline.cli;

import io.specstream.topology.testing.CommandRefusal;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code specstream draft} refuses bad drafter flags before it opens a model or a client. */
class DraftCommandTest {

    @Test
    void anUnknownModelFreeDrafterIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = CommandRefusal.of("draft", "--model-dir", models().resolve("target").toString(),
                "--draft-model-dir", models().resolve("draft-tiny").toString(), "--model-free", "ngarm");

        assertTrue(err.contains("--model-free 'ngarm' is not valid; allowed values: a comma-separated list of "
                + "ngram,suffix, or none"), err);
    }

    @Test
    void aDraftServiceWithoutAnyDrafterIsRefused() {
        String err = CommandRefusal.of("draft", "--model-dir", models().resolve("target").toString(),
                "--draft-model-dir", "none", "--model-free", "none");

        assertTrue(err.contains("no drafter: give a --draft-model-dir or a --model-free drafter"), err);
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of("draft", "--model-dir", models().resolve("target").toString(),
                "--metrics-port", "-5");

        assertTrue(err.contains("--metrics-port -5 is not valid; allowed values: -1 (no endpoint)"), err);
    }

    private static Path models() {
        String configured = System.getProperty("specstream.models.dir");
        return (configured != null ? Path.of(configured) : Path.of("..", "models")).toAbsolutePath().normalize();
    }
}
