package io.specstream.topology.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;

/** The check every model-directory flag gets before anything is opened, so the error names the flag. */
public final class ModelDirOption {

    private ModelDirOption() {
    }

    /** Refuses {@code dir} unless it is a directory: "--model-dir x is not a model directory". */
    public static Path require(CommandSpec spec, String flag, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), flag + " " + dir + " is not a model directory");
        }
        return dir;
    }
}
