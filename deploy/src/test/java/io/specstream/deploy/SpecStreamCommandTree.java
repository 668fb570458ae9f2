package io.specstream.deploy;

import io.specstream.topology.cli.SpecStreamCli;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The real {@code specstream} command tree, built as the jar's main builds it ({@link SpecStreamCli#commandLine()}:
 * the built-in subcommands plus every {@code SubcommandProvider} on the class path, which here is every module), so
 * a subcommand or flag renamed in code no longer matches what deploy/ passes.
 */
final class SpecStreamCommandTree {

    private final CommandLine root = SpecStreamCli.commandLine();

    Optional<CommandSpec> subcommand(String name) {
        return Optional.ofNullable(root.getSubcommands().get(name)).map(CommandLine::getCommandSpec);
    }

    /** The option {@code flag} (e.g. {@code --group-id}) of subcommand {@code name}, mixins included. */
    Optional<OptionSpec> option(String name, String flag) {
        return subcommand(name).map(spec -> spec.optionsMap().get(flag));
    }

    /** What a subcommand uses for {@code flag} when a command leaves it out. */
    Optional<String> defaultValue(String name, String flag) {
        return option(name, flag).map(OptionSpec::defaultValue);
    }

    /**
     * Parses {@code args} as {@code java -jar specstream.jar ARGS} would, running every option's validation (ranges,
     * enum values, required parameters), without executing anything. Throws picocli's ParameterException, whose
     * message names the bad flag.
     */
    static void parse(List<String> args) {
        SpecStreamCli.commandLine().parseArgs(args.toArray(String[]::new));
    }
}
