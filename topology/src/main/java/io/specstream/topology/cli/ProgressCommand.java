package io.specstream.topology.cli;

/**
 * A subcommand that redraws a progress line on stderr ({@code run}, {@code bench}). SpecStream's own INFO logging
 * would break into that line, so {@link SpecStreamCli} sets those loggers to WARN before such a command starts —
 * unless the user chose a level with {@code -Dorg.slf4j.simpleLogger.log.io.specstream=...}.
 */
public interface ProgressCommand {

    /** The slf4j-simple property for SpecStream's loggers; read once, when the first logger is made. */
    String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.specstream";

    /** Quiets SpecStream's INFO logging if the subcommand {@code args} name draws a progress line. */
    static void quietLoggingFor(picocli.CommandLine commandLine, String[] args) {
        if (args.length == 0 || System.getProperty(LOG_LEVEL_PROPERTY) != null) {
            return;
        }
        picocli.CommandLine subcommand = commandLine.getSubcommands().get(args[0]);
        if (subcommand != null && subcommand.getCommandSpec().userObject() instanceof ProgressCommand) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
    }
}
