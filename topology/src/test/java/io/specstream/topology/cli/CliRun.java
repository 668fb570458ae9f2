package io.specstream.topology.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One invocation of the specstream command line, in-process, with what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = SpecStreamCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** The connection flags every subcommand takes, pointing at a test cluster. */
    static String[] with(List<String> connection, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(connection);
        return all.toArray(String[]::new);
    }
}
