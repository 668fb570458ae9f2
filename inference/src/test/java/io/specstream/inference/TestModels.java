package io.specstream.inference;

import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped models: {@code -Dspecstream.models.dir} (set by surefire) or {@code ../models} beside the module. */
public final class TestModels {

    private TestModels() {
    }

    public static Path root() {
        String configured = System.getProperty("specstream.models.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "models");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("models directory " + root.toAbsolutePath()
                    + " not found; set -Dspecstream.models.dir");
        }
        return root;
    }

    public static Path dir(String name) {
        return root().resolve(name);
    }

    public static DecoderSession open(String name) {
        return DecoderSession.open(ModelDirectory.open(dir(name)), InferenceOptions.cpu(1));
    }
}
