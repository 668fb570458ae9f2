package io.specstream.topology.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code specstream} command line. Every subcommand takes {@code --bootstrap-servers},
 * {@code --schema-registry-url} and {@code --client-config}; errors name the bad flag or key and what is allowed.
 */
@Command(name = "specstream", mixinStandardHelpOptions = true, version = "SpecStream 0.1.0",
        description = "Speculative-decoding rollouts for RL post-training, on Kafka.",
        subcommands = {UpCommand.class, TopicsCommand.class, SubmitCommand.class, TailCommand.class,
                PolicyCommand.class})
public final class SpecStreamCli {

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        ProgressCommand.quietLoggingFor(commandLine, args);
        System.exit(commandLine.execute(args));
    }

    /** The command line with its error handling: a bad flag prints usage, any other failure one line, no trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SpecStreamCli());
        ServiceLoader.load(SubcommandProvider.class).forEach(provider -> commandLine.addSubcommand(provider.subcommand()));
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("specstream " + cmd.getCommandName() + ": " + describe(exception));
            cmd.getErr().flush();
            return 2;
        });
        return commandLine;
    }

    private static String describe(Throwable exception) {
        StringBuilder message = new StringBuilder(String.valueOf(exception.getMessage()));
        for (Throwable cause = exception.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }
}
