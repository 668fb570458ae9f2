package io.specstream.pipeline.cli;

import io.specstream.topology.testing.CommandRefusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code specstream verify} refuses bad flags before it opens a model or a client. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingCoupledDraftModelDirectoryIsRefusedNamingTheFlag() {
        Path missing = dir.resolve("no-such-model");

        String err = CommandRefusal.of("verify", "--model-dir", dir.toString(),
                "--coupled-draft-model-dir", missing.toString());

        assertTrue(err.contains("--coupled-draft-model-dir " + missing + " is not a model directory"), err);
    }

    @Test
    void anUnknownModelFreeDrafterIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = CommandRefusal.of("verify", "--model-dir", target().toString(), "--model-free", "suffix,lookahead");

        assertTrue(err.contains("--model-free 'lookahead' is not valid; allowed values: a comma-separated list of "
                + "ngram,suffix, or none"), err);
    }

    @Test
    void coupledDraftingAndModelFreeDraftersInTheVerifierExcludeEachOther() {
        String err = CommandRefusal.of("verify", "--model-dir", target().toString(), "--model-free", "ngram",
                "--coupled-draft-model-dir", target().resolveSibling("draft-small").toString());

        assertTrue(err.contains("--coupled-draft-model-dir and --model-free exclude each other"), err);
    }

    @Test
    void anUnknownExecutionProviderIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = CommandRefusal.of("verify", "--model-dir", target().toString(), "--execution-provider", "tpu");

        assertTrue(err.contains("--execution-provider='tpu' is not valid; allowed values:"), err);
    }

    @Test
    void aMaxBatchBelowOneIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of("verify", "--model-dir", target().toString(), "--max-batch", "0");

        assertTrue(err.contains("'--max-batch': 0; allowed values: an integer >= 1"), err);
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of("verify", "--model-dir", target().toString(), "--metrics-port", "70000");

        assertTrue(err.contains("--metrics-port 70000 is not valid; allowed values: -1 (no endpoint)"), err);
    }

    private static Path target() {
        String configured = System.getProperty("specstream.models.dir");
        return (configured != null ? Path.of(configured) : Path.of("..", "models")).resolve("target")
                .toAbsolutePath().normalize();
    }
}
