package io.specstream.verify;

import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolloutSpecTest {

    private static final ModelConfig TARGET = Models.directory("target").config();

    private static String refusal(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void anEmptyPromptIsRefusedWithTheRequestId() {
        String message = refusal(() -> RolloutSpec.greedy("r-1", new int[0], 1, 8));
        assertTrue(message.contains("r-1") && message.contains("prompt is empty"), message);
    }

    @Test
    void zeroSamplesAreRefusedWithTheAllowedValues() {
        String message = refusal(() -> RolloutSpec.greedy("r-1", new int[] {5}, 0, 8));
        assertTrue(message.contains("n_samples=0") && message.contains(">= 1"), message);
    }

    @Test
    void nonPositiveMaxNewTokensAreRefused() {
        String message = refusal(() -> RolloutSpec.greedy("r-1", new int[] {5}, 1, 0));
        assertTrue(message.contains("max_new_tokens=0"), message);
    }

    @Test
    void anEmptyStopStringIsRefused() {
        String message = refusal(() -> RolloutSpec.greedy("r-1", new int[] {5}, 1, 8).withStops(new int[0], List.of("")));
        assertTrue(message.contains("stop string is empty"), message);
    }

    @Test
    void aBlankRequestIdIsRefused() {
        assertTrue(refusal(() -> new RolloutSpec(" ", new int[] {5}, 1, 8, null, null, SamplingParams.greedy(), 0))
                .contains("request id"));
    }

    @Test
    void aPromptFillingTheWholeContextIsRefusedWithTheLimit() {
        RolloutSpec spec = RolloutSpec.greedy("r-1", new int[TARGET.maxPositionEmbeddings()], 1, 8);
        String message = refusal(() -> spec.checkAgainst(TARGET));
        assertTrue(message.contains("max_position_embeddings=" + TARGET.maxPositionEmbeddings()), message);
        assertDoesNotThrow(() -> RolloutSpec.greedy("r-1", new int[TARGET.maxPositionEmbeddings() - 1], 1, 8).checkAgainst(TARGET));
    }

    @Test
    void aPromptIdOutsideTheVocabularyIsRefusedWithTheRange() {
        RolloutSpec spec = RolloutSpec.greedy("r-1", new int[] {5, TARGET.vocabSize()}, 1, 8);
        String message = refusal(() -> spec.checkAgainst(TARGET));
        assertTrue(message.contains("[0, " + TARGET.vocabSize() + ")"), message);
    }

    @Test
    void maxNewTokensBeyondTheWholeContextAreRefusedWithTheLimit() {
        int context = TARGET.maxPositionEmbeddings();
        RolloutSpec spec = RolloutSpec.greedy("r-1", new int[] {5}, 1, context + 1);
        String message = refusal(() -> spec.checkAgainst(TARGET));
        assertTrue(message.contains("max_new_tokens=" + (context + 1)) && message.contains("1 to " + context), message);
        assertDoesNotThrow(() -> RolloutSpec.greedy("r-1", new int[] {5}, 1, context).checkAgainst(TARGET));
    }

    @Test
    void aStopTokenIdOutsideTheVocabularyIsRefusedWithTheRange() {
        RolloutSpec spec = RolloutSpec.greedy("r-1", new int[] {5}, 1, 8)
                .withStops(new int[] {TARGET.vocabSize() + 3}, List.of());
        String message = refusal(() -> spec.checkAgainst(TARGET));
        assertTrue(message.contains("stop_token_ids holds " + (TARGET.vocabSize() + 3))
                && message.contains("[0, " + TARGET.vocabSize() + ")"), message);
    }
}
