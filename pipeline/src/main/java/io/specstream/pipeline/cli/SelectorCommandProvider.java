package io.specstream.pipeline.cli;

import io.specstream.topology.cli.SubcommandProvider;

/** Contributes {@code specstream selector} to the command line. */
public final class SelectorCommandProvider implements SubcommandProvider {

    @Override
    public Object subcommand() {
        return new SelectorCommand();
    }
}
