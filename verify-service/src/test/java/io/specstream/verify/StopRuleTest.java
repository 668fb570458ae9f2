package io.specstream.verify;

import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each finish reason of the {@link StopRule}, on the target's config and tokenizer. */
class StopRuleTest {

    private static final ModelConfig TARGET = Models.directory("target").config();
    private static final int[] PROMPT = {5, 6, 7};
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void open() {
        tokenizer = Models.tokenizer();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static StopRule rule(int maxNewTokens, int[] stopIds, List<String> stopStrings) {
        return rule(PROMPT, maxNewTokens, stopIds, stopStrings);
    }

    private static StopRule rule(int[] prompt, int maxNewTokens, int[] stopIds, List<String> stopStrings) {
        RolloutSpec spec = RolloutSpec.greedy("stops", prompt, 1, maxNewTokens).withStops(stopIds, stopStrings);
        return new StopRule(TARGET, spec, tokenizer::decode);
    }

    @Test
    void theModelsEosTokenFinishesWithEos() {
        int eos = TARGET.eosTokenIds().get(0);
        StopRule rule = rule(16, new int[0], List.of());
        assertEquals(Optional.empty(), rule.check(new int[] {40, 41}, 2));
        assertEquals(Optional.of(FinishReason.EOS), rule.check(new int[] {40, 41, eos}, 3));
    }

    @Test
    void aRequestedStopTokenFinishesWithStopToken() {
        StopRule rule = rule(16, new int[] {99, 41}, List.of());
        assertEquals(Optional.empty(), rule.check(new int[] {40}, 1));
        assertEquals(Optional.of(FinishReason.STOP_TOKEN), rule.check(new int[] {40, 41}, 2));
    }

    @Test
    void aStopStringFinishesAtTheFirstTokenWhoseTextContainsIt() {
        int[] response = tokenizer.encode("Step 1: 32 + 9 = 41.\nAnswer: 41");
        StopRule rule = rule(64, new int[0], List.of("= 41"));
        int first = -1;
        for (int length = 1; length <= response.length && first < 0; length++) {
            String text = tokenizer.decode(Arrays.copyOf(response, length));
            Optional<FinishReason> verdict = rule.check(response, length);
            assertEquals(text.contains("= 41") ? Optional.of(FinishReason.STOP_STRING) : Optional.empty(), verdict, text);
            if (verdict.isPresent()) {
                first = length;
            }
        }
        assertEquals("Step 1: 32 + 9 = 41", tokenizer.decode(Arrays.copyOf(response, first)).substring(0, 19));
    }

    @Test
    void reachingMaxNewTokensFinishesWithMaxTokens() {
        StopRule rule = rule(3, new int[0], List.of());
        assertEquals(Optional.empty(), rule.check(new int[] {40, 41}, 2));
        assertEquals(Optional.of(FinishReason.MAX_TOKENS), rule.check(new int[] {40, 41, 42}, 3));
    }

    @Test
    void fillingTheContextFinishesWithContextFull() {
        int[] prompt = new int[TARGET.maxPositionEmbeddings() - 2];
        Arrays.fill(prompt, 40);
        StopRule rule = rule(prompt, 64, new int[0], List.of());
        assertEquals(Optional.empty(), rule.check(new int[] {40}, 1));
        assertEquals(Optional.of(FinishReason.CONTEXT_FULL), rule.check(new int[] {40, 41}, 2));
    }

    @Test
    void eosTakesPrecedenceOverMaxTokens() {
        int eos = TARGET.eosTokenIds().get(0);
        assertEquals(Optional.of(FinishReason.EOS), rule(2, new int[0], List.of()).check(new int[] {40, eos}, 2));
    }

    @Test
    void roomCountsTokensLeftBeforeMaxTokensOrTheContextEnd() {
        assertEquals(5, rule(8, new int[0], List.of()).room(3));
        int[] prompt = new int[TARGET.maxPositionEmbeddings() - 4];
        assertEquals(1, rule(prompt, 64, new int[0], List.of()).room(3));
    }
}
