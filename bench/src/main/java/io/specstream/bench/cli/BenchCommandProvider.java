package io.specstream.bench.cli;

import io.specstream.topology.cli.SubcommandProvider;

/** Contributes {@code specstream bench} to the command line. */
public final class BenchCommandProvider implements SubcommandProvider {

    @Override
    public Object subcommand() {
        return new BenchCommand();
    }
}
