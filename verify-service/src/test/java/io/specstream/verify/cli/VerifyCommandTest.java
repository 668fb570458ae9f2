package io.specstream.verify.cli;

import io.specstream.topology.cli.SpecStreamCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code specstream verify} refuses bad flags before it opens a model or a client. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingCoupledDraftModelDirectoryIsRefusedNamingTheFlag() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SpecStreamCli.commandLine();
        commandLine.setErr(new PrintWriter(err));
        Path missing = dir.resolve("no-such-model");

        int exit = commandLine.execute("verify", "--model-dir", dir.toString(),
                "--coupled-draft-model-dir", missing.toString());

        assertEquals(2, exit);
        assertTrue(err.toString().contains("--coupled-draft-model-dir " + missing + " is not a model directory"),
                err.toString());
    }

    @Test
    void anUnknownModelFreeDrafterIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = refusal("verify", "--model-dir", target().toString(), "--model-free", "suffix,lookahead");

        assertTrue(err.contains("--model-free 'lookahead' is not valid; allowed values: a comma-separated list of "
                + "ngram,suffix, or none"), err);
    }

    @Test
    void coupledDraftingAndModelFreeDraftersInTheVerifierExcludeEachOther() {
        String err = refusal("verify", "--model-dir", target().toString(), "--model-free", "ngram",
                "--coupled-draft-model-dir", target().resolveSibling("draft-small").toString());

        assertTrue(err.contains("--coupled-draft-model-dir and --model-free exclude each other"), err);
    }

    private static String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SpecStreamCli.commandLine();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute(args), err.toString());
        return err.toString();
    }

    private static Path target() {
        String configured = System.getProperty("specstream.models.dir");
        return (configured != null ? Path.of(configured) : Path.of("..", "models")).resolve("target")
                .toAbsolutePath().normalize();
    }
}
