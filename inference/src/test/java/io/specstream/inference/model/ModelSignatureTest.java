package io.specstream.inference.model;

import io.specstream.inference.TestModels;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSignatureTest {

    @Test
    void theShippedModelsMeetTheContract() {
        for (String name : new String[] {"target", "draft-small", "draft-tiny"}) {
            try (DecoderSession session = TestModels.open(name)) {
                assertEquals(session.config().numHiddenLayers(), session.cacheLayout().layers(), name);
                assertEquals(session.config().vocabSize(), session.vocabSize(), name);
            }
        }
    }

    @Test
    void aModelWithARenamedGraphInputIsRefusedNamingTheMissingInput(@TempDir Path dir) throws IOException {
        Path bad = copyWithRenamedInput(TestModels.dir("draft-tiny"), dir, "position_ids", "position_idz");
        InvalidModelException refused = assertThrows(InvalidModelException.class,
                () -> DecoderSession.open(ModelDirectory.open(bad), InferenceOptions.cpu(1)));
        assertTrue(refused.getMessage().contains("missing input(s) [position_ids]"), refused.getMessage());
        assertTrue(refused.getMessage().contains("position_idz"), "lists what the graph has: " + refused.getMessage());
    }

    @Test
    void aModelWhoseLayerCountDisagreesWithConfigIsRefused(@TempDir Path dir) throws IOException {
        Path bad = copy(TestModels.dir("draft-tiny"), dir);
        String config = Files.readString(bad.resolve("config.json"));
        Files.writeString(bad.resolve("config.json"), config.replace("\"num_hidden_layers\": 1", "\"num_hidden_layers\": 2"));
        InvalidModelException refused = assertThrows(InvalidModelException.class,
                () -> DecoderSession.open(ModelDirectory.open(bad), InferenceOptions.cpu(1)));
        assertTrue(refused.getMessage().contains("past_key_values.1.key"), refused.getMessage());
        assertTrue(refused.getMessage().contains("num_hidden_layers=2"), refused.getMessage());
    }

    @Test
    void aDirectoryWithoutTokenizerJsonIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path bad = copy(TestModels.dir("draft-tiny"), dir);
        Files.delete(bad.resolve("tokenizer.json"));
        InvalidModelException refused = assertThrows(InvalidModelException.class, () -> ModelDirectory.open(bad));
        assertTrue(refused.getMessage().contains("lacks tokenizer.json"), refused.getMessage());
    }

    /**
     * Renames a graph input by rewriting its name in the protobuf bytes; a same-length name keeps every length
     * prefix valid and renames the node inputs that consume it too, so the graph stays loadable.
     */
    private static Path copyWithRenamedInput(Path source, Path dir, String from, String to) throws IOException {
        Path copy = copy(source, dir);
        byte[] model = Files.readAllBytes(copy.resolve("model.onnx"));
        byte[] needle = from.getBytes(StandardCharsets.US_ASCII);
        byte[] replacement = to.getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + needle.length <= model.length; i++) {
            if (java.util.Arrays.equals(model, i, i + needle.length, needle, 0, needle.length)) {
                System.arraycopy(replacement, 0, model, i, replacement.length);
                replaced++;
            }
        }
        assertTrue(replaced > 0, "the model names " + from);
        Files.write(copy.resolve("model.onnx"), model);
        return copy;
    }

    private static Path copy(Path source, Path dir) throws IOException {
        Path copy = dir.resolve("model");
        Files.createDirectories(copy);
        for (String file : new String[] {"model.onnx", "config.json", "tokenizer.json"}) {
            Files.copy(source.resolve(file), copy.resolve(file));
        }
        return copy;
    }
}
