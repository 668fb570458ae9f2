package io.specstream.inference.model;

import io.specstream.inference.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    @Test
    void readsTheTargetConfig() {
        ModelConfig config = ModelConfig.read(TestModels.dir("target").resolve("config.json"));
        assertEquals(new CacheLayout(config.numHiddenLayers(), config.numKeyValueHeads(), config.headDim()),
                new CacheLayout(4, 2, 32));
        assertEquals(List.of(2), config.eosTokenIds());
        assertEquals(768, config.vocabSize());
    }

    @Test
    void headDimDefaultsToHiddenSizeOverHeadsAndEosMayBeAList(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100,
                 "max_position_embeddings": 128, "eos_token_id": [2, 7]}""");
        ModelConfig config = ModelConfig.read(file);
        assertEquals(16, config.headDim());
        assertEquals(4, config.numKeyValueHeads());
        assertTrue(config.isEos(7));
        assertEquals(2, config.padTokenId());
    }

    @Test
    void aMissingRequiredKeyIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"hidden_size": 64, "num_attention_heads": 4, "vocab_size": 100,
                 "max_position_embeddings": 128, "eos_token_id": 2}""");
        InvalidModelException refused = assertThrows(InvalidModelException.class, () -> ModelConfig.read(file));
        assertTrue(refused.getMessage().contains("'num_hidden_layers'"), refused.getMessage());
    }
}
