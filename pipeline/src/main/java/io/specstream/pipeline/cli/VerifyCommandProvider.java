package io.specstream.pipeline.cli;

import io.specstream.topology.cli.SubcommandProvider;

/** Contributes {@code specstream verify} to the command line. */
public final class VerifyCommandProvider implements SubcommandProvider {

    @Override
    public Object subcommand() {
        return new VerifyCommand();
    }
}
