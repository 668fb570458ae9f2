package io.specstream.pipeline.cli;

import io.specstream.topology.cli.SubcommandProvider;

/** Contributes {@code specstream run} to the command line. */
public final class RunCommandProvider implements SubcommandProvider {

    @Override
    public Object subcommand() {
        return new RunCommand();
    }
}
