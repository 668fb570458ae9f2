package io.specstream.inference.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model directory: {@code model.onnx}, {@code config.json} and {@code tokenizer.json} side by side.
 * Opening checks the three files exist and parses the config; the graph itself is checked by
 * {@link ModelSignature} once a session is open.
 */
public record ModelDirectory(Path root, ModelConfig config) {

    public static final String MODEL_FILE = "model.onnx";
    public static final String CONFIG_FILE = "config.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    public static ModelDirectory open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InvalidModelException("model directory " + root + " does not exist");
        }
        for (String file : new String[] {MODEL_FILE, CONFIG_FILE, TOKENIZER_FILE}) {
            if (!Files.isRegularFile(root.resolve(file))) {
                throw new InvalidModelException("model directory " + root + " lacks " + file);
            }
        }
        return new ModelDirectory(root, ModelConfig.read(root.resolve(CONFIG_FILE)));
    }

    public Path modelFile() {
        return root.resolve(MODEL_FILE);
    }

    public Path tokenizerFile() {
        return root.resolve(TOKENIZER_FILE);
    }
}
