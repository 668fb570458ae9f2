package io.specstream.verify;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyConfigTest {

    @Test
    void absentKeysTakeDefaultsThatRun() {
        VerifyConfig config = VerifyConfig.from(Map.of());
        assertEquals(64, config.maxBatchSequences());
        assertEquals(512, config.maxTokensPerStep());
        assertEquals(8, config.maxDraftTokens());
        assertEquals(Path.of("models/target"), config.modelDir());
        assertEquals(1, config.inference().intraOpThreads());
        assertEquals(VerifyConfig.StepWidth.GOODPUT, config.stepWidth());
    }

    @Test
    void givenKeysAreRead() {
        VerifyConfig config = VerifyConfig.from(Map.of(VerifyConfig.MAX_BATCH_SEQUENCES, "8",
                VerifyConfig.MAX_TOKENS_PER_STEP, "40", VerifyConfig.MAX_DRAFT_TOKENS, "3", VerifyConfig.MODEL_DIR, "/m/t",
                "inference.intra-op-threads", "2"));
        assertEquals(new VerifyConfig(8, 40, 3, Path.of("/m/t"), config.inference()), config);
        assertEquals(2, config.inference().intraOpThreads());
    }

    @Test
    void anUnknownVerifyKeyIsRefusedListingTheAllowedKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of("verify.max-batch", "8")));
        assertTrue(e.getMessage().contains("verify.max-batch") && e.getMessage().contains(VerifyConfig.MAX_BATCH_SEQUENCES), e.getMessage());
    }

    @Test
    void aNonIntegerValueIsRefusedNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of(VerifyConfig.MAX_DRAFT_TOKENS, "four")));
        assertTrue(e.getMessage().startsWith(VerifyConfig.MAX_DRAFT_TOKENS + "='four'"), e.getMessage());
    }

    @Test
    void aTokenBudgetBelowTheBatchSizeIsRefusedWithTheAllowedRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of(
                VerifyConfig.MAX_BATCH_SEQUENCES, "16", VerifyConfig.MAX_TOKENS_PER_STEP, "8")));
        assertTrue(e.getMessage().contains(VerifyConfig.MAX_TOKENS_PER_STEP + "=8") && e.getMessage().contains(">= " + VerifyConfig.MAX_BATCH_SEQUENCES), e.getMessage());
    }

    @Test
    void aZeroBatchIsRefusedNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of(VerifyConfig.MAX_BATCH_SEQUENCES, "0")));
        assertTrue(e.getMessage().startsWith(VerifyConfig.MAX_BATCH_SEQUENCES + "=0"), e.getMessage());
    }

    @Test
    void anUnknownExecutionProviderIsRefusedByTheInferenceOptions() {
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of("inference.execution-provider", "tpu")));
        assertTrue(e.getMessage().contains("inference.execution-provider"), e.getMessage());
    }

    @Test
    void theStepWidthPolicyIsReadAndAnUnknownOneRefusedWithTheAllowedValues() {
        assertEquals(VerifyConfig.StepWidth.WIDEST, VerifyConfig.from(Map.of(VerifyConfig.STEP_WIDTH, "Widest")).stepWidth());
        var e = assertThrows(IllegalArgumentException.class, () -> VerifyConfig.from(Map.of(VerifyConfig.STEP_WIDTH, "auto")));
        assertEquals(VerifyConfig.STEP_WIDTH + "='auto' is not valid; allowed values: goodput, widest", e.getMessage());
    }
}
