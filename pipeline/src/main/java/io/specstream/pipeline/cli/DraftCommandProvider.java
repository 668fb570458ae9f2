package io.specstream.pipeline.cli;

import io.specstream.topology.cli.SubcommandProvider;

/** Contributes {@code specstream draft} to the command line. */
public final class DraftCommandProvider implements SubcommandProvider {

    @Override
    public Object subcommand() {
        return new DraftCommand();
    }
}
