package io.specstream.topology.testing;

import io.specstream.topology.cli.SpecStreamCli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs {@code specstream ARGS} expecting a usage refusal (exit 2) and returns what it printed on stderr. */
public final class CommandRefusal {

    private CommandRefusal() {
    }

    public static String of(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SpecStreamCli.commandLine();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute(args), err.toString());
        return err.toString();
    }
}
