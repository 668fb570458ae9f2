package io.specstream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shipped models and prompts: {@code -Dspecstream.models.dir} (set by surefire) or {@code ../models}. */
public final class Models {

    private Models() {
    }

    public static Path root() {
        String configured = System.getProperty("specstream.models.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "models");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("models directory " + root.toAbsolutePath() + " not found; set -Dspecstream.models.dir");
        }
        return root;
    }

    public static ModelDirectory directory(String name) {
        return ModelDirectory.open(root().resolve(name));
    }

    public static DecoderSession open(String name) {
        return DecoderSession.open(directory(name), InferenceOptions.cpu(1));
    }

    public static TextTokenizer tokenizer() {
        return TextTokenizer.open(directory("target").tokenizerFile());
    }

    /** A text prompt as the target expects it: BOS, then the text's tokens. */
    public static int[] prompt(TextTokenizer tokenizer, String text) {
        return new PromptEncoder(tokenizer, directory("target").config()).encode(text);
    }

    /** Prompt texts of the shipped example set ({@code examples/prompts/rl-math.jsonl}), first {@code count}. */
    public static List<String> prompts(int count) {
        Path file = root().resolveSibling("examples").resolve("prompts").resolve("rl-math.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> prompts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && prompts.size() < count) {
                    JsonNode node = json.readTree(line);
                    prompts.add(node.get("prompt_text").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prompts;
    }

    /**
     * Batch 64; every usable draft verified ({@code widest}): what a test of verification itself needs — which
     * drafts the goodput controller takes depends on this machine's step times, so its tests fix the cost table.
     */
    public static VerifyConfig config(int maxDraftTokens) {
        return new VerifyConfig(64, 512, maxDraftTokens, root().resolve("target"), InferenceOptions.cpu(1),
                VerifyConfig.StepWidth.WIDEST);
    }
}
