package io.specstream.inference.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.inference.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** DJL's tokenizer reproduces the ids the Python BPE produced (models/tokenizer-fixture.jsonl). */
class TextTokenizerTest {

    @Test
    void encodesEveryFixtureTextToThePythonIds() throws IOException {
        List<String> lines = Files.readAllLines(TestModels.root().resolve("tokenizer-fixture.jsonl"));
        assertFalse(lines.isEmpty());
        ObjectMapper json = new ObjectMapper();
        try (TextTokenizer tokenizer = TextTokenizer.open(TestModels.dir("target").resolve("tokenizer.json"))) {
            for (String line : lines) {
                JsonNode fixture = json.readTree(line);
                int[] expected = json.convertValue(fixture.get("ids"), int[].class);
                assertArrayEquals(expected, tokenizer.encode(fixture.get("text").asText()), fixture.get("text").asText());
            }
        }
    }

    @Test
    void decodingTheIdsGivesTheTextBack() {
        try (TextTokenizer tokenizer = TextTokenizer.open(TestModels.dir("target").resolve("tokenizer.json"))) {
            String text = "Q: Sam has 40 dollars.\nAnswer: 80";
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
    }

    @Test
    void loadingTheTokenizerSwitchesDjlOfflineAndOptsOutOfTracking() {
        try (TextTokenizer ignored = TextTokenizer.open(TestModels.dir("target").resolve("tokenizer.json"))) {
            assertEquals("true", System.getProperty("ai.djl.offline"));
            assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
        }
    }
}
