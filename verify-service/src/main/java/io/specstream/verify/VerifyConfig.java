package io.specstream.verify;

import io.specstream.inference.runtime.InferenceOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the verifier, validated at start.
 *
 * <pre>
 * verify.max-batch-sequences = 1, 2, ...          (default 64)   sequences decoded together
 * verify.max-tokens-per-step = >= max batch seqs  (default 512)  tokens fed in one step, draft tokens included
 * verify.max-draft-tokens    = 0, 1, ...          (default 8)    the most draft tokens verified per sequence (k)
 * verify.model-dir           = a directory        (default models/target)
 * verify.step-width          = goodput | widest   (default goodput)  how wide a step is: chosen by the
 *                              {@link GoodputController} from measured costs and acceptance, or always the widest draft
 * inference.execution-provider = cpu | cuda:N     (default cpu)
 * inference.intra-op-threads   = 1, 2, ...        (default 1)
 * </pre>
 */
public record VerifyConfig(int maxBatchSequences, int maxTokensPerStep, int maxDraftTokens, Path modelDir,
                           InferenceOptions inference, StepWidth stepWidth) {

    /** How a step's width (tokens fed per sequence) is chosen. */
    public enum StepWidth {
        /** By the {@link GoodputController}: the width with the most expected tokens per second, often 1 (plain). */
        GOODPUT,
        /** As wide as the widest usable draft: every offered draft token is verified, whatever it costs. */
        WIDEST
    }

    public static final String MAX_BATCH_SEQUENCES = "verify.max-batch-sequences";
    public static final String MAX_TOKENS_PER_STEP = "verify.max-tokens-per-step";
    public static final String MAX_DRAFT_TOKENS = "verify.max-draft-tokens";
    public static final String MODEL_DIR = "verify.model-dir";
    public static final String STEP_WIDTH = "verify.step-width";
    private static final List<String> KEYS = List.of(MAX_BATCH_SEQUENCES, MAX_TOKENS_PER_STEP, MAX_DRAFT_TOKENS, MODEL_DIR,
            STEP_WIDTH);

    public VerifyConfig {
        if (maxBatchSequences < 1) {
            throw new IllegalArgumentException(MAX_BATCH_SEQUENCES + "=" + maxBatchSequences
                    + " is not valid; allowed values: an integer >= 1");
        }
        if (maxTokensPerStep < maxBatchSequences) {
            throw new IllegalArgumentException(MAX_TOKENS_PER_STEP + "=" + maxTokensPerStep + " is not valid; allowed values: an integer >= "
                    + MAX_BATCH_SEQUENCES + " (" + maxBatchSequences + "), since every sequence takes a token each step");
        }
        if (maxDraftTokens < 0) {
            throw new IllegalArgumentException(MAX_DRAFT_TOKENS + "=" + maxDraftTokens
                    + " is not valid; allowed values: an integer >= 0 (0 = no speculation)");
        }
        if (modelDir == null) {
            throw new IllegalArgumentException(MODEL_DIR + " is missing; allowed values: a model directory");
        }
        if (inference == null) {
            throw new IllegalArgumentException("inference options are missing");
        }
        if (stepWidth == null) {
            throw new IllegalArgumentException(STEP_WIDTH + " is missing; allowed values: goodput, widest");
        }
    }

    /** Settings with the goodput controller choosing step widths. */
    public VerifyConfig(int maxBatchSequences, int maxTokensPerStep, int maxDraftTokens, Path modelDir,
                        InferenceOptions inference) {
        this(maxBatchSequences, maxTokensPerStep, maxDraftTokens, modelDir, inference, StepWidth.GOODPUT);
    }

    /** Reads the keys above; absent keys take their defaults; unknown {@code verify.*} keys are refused. */
    public static VerifyConfig from(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith("verify.") && !KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + "; allowed keys: " + KEYS);
            }
        }
        return new VerifyConfig(
                integer(settings, MAX_BATCH_SEQUENCES, 64),
                integer(settings, MAX_TOKENS_PER_STEP, 512),
                integer(settings, MAX_DRAFT_TOKENS, 8),
                Path.of(settings.getOrDefault(MODEL_DIR, "models/target").trim()),
                InferenceOptions.from(settings),
                stepWidth(settings.getOrDefault(STEP_WIDTH, "goodput")));
    }

    public VerifyConfig withModelDir(Path dir) {
        return new VerifyConfig(maxBatchSequences, maxTokensPerStep, maxDraftTokens, dir, inference, stepWidth);
    }

    public VerifyConfig withStepWidth(StepWidth width) {
        return new VerifyConfig(maxBatchSequences, maxTokensPerStep, maxDraftTokens, modelDir, inference, width);
    }

    /** {@code goodput} or {@code widest}, any case. */
    public static StepWidth stepWidth(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "goodput" -> StepWidth.GOODPUT;
            case "widest" -> StepWidth.WIDEST;
            default -> throw new IllegalArgumentException(STEP_WIDTH + "='" + value
                    + "' is not valid; allowed values: goodput, widest");
        };
    }

    private static int integer(Map<String, String> settings, String key, int fallback) {
        String value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not valid; allowed values: an integer");
        }
    }
}
