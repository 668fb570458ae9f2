package io.specstream.topology.cli;

/**
 * A subcommand contributed by a module that topology cannot depend on (the services depend on topology, not the
 * other way round). Implementations are listed in {@code META-INF/services/io.specstream.topology.cli.SubcommandProvider}
 * of their module and picked up by {@link SpecStreamCli} through {@link java.util.ServiceLoader}; the runnable jar
 * (deploy/) carries every module, so {@code specstream verify}, {@code specstream draft} and {@code specstream run}
 * appear there.
 */
public interface SubcommandProvider {

    /** A picocli {@code @Command}-annotated object, e.g. {@code new VerifyCommand()}. */
    Object subcommand();
}
