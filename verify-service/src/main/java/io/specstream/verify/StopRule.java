package io.specstream.verify;

import io.specstream.inference.model.ModelConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides, after each committed token, whether a sequence is finished. Checked in this order:
 * <ol>
 *   <li>{@link FinishReason#EOS}: the token is one of the model's eos ids;</li>
 *   <li>{@link FinishReason#STOP_TOKEN}: the token is one of the request's stop ids;</li>
 *   <li>{@link FinishReason#STOP_STRING}: the decoded response text contains one of the stop strings;</li>
 *   <li>{@link FinishReason#MAX_TOKENS}: the response holds max new tokens;</li>
 *   <li>{@link FinishReason#CONTEXT_FULL}: prompt + response fill max_position_embeddings.</li>
 * </ol>
 * The finishing token is kept, and tokens are never edited: a stop string is matched on the text, but the response
 * stays exactly the tokens the target produced, up to and including the first token whose addition made the text
 * contain the string (the text is not cut either). Example: stop string {@code "\n"}, tokens "A", ":", " 7", ".\n"
 * → finish after ".\n" with text {@code "A: 7.\n"}; the token ".\n" is not split.
 */
public final class StopRule {

    private final ModelConfig model;
    private final int[] stopTokenIds;
    private final List<String> stopStrings;
    private final int maxNewTokens;
    private final int promptLength;
    private final Function<int[], String> decode;

    /** {@code decode} turns response ids into text (the target's tokenizer); only used when there are stop strings. */
    public StopRule(ModelConfig model, RolloutSpec spec, Function<int[], String> decode) {
        this.model = model;
        this.stopTokenIds = spec.stopTokenIds();
        this.stopStrings = spec.stopStrings();
        this.maxNewTokens = spec.maxNewTokens();
        this.promptLength = spec.promptIds().length;
        this.decode = decode;
    }

    /** Whether the response {@code response[0, length)}, whose last token was just committed, is finished. */
    public Optional<FinishReason> check(int[] response, int length) {
        int token = response[length - 1];
        if (model.isEos(token)) {
            return Optional.of(FinishReason.EOS);
        }
        for (int stop : stopTokenIds) {
            if (stop == token) {
                return Optional.of(FinishReason.STOP_TOKEN);
            }
        }
        if (!stopStrings.isEmpty()) {
            String text = decode.apply(Arrays.copyOf(response, length));
            for (String stop : stopStrings) {
                if (text.contains(stop)) {
                    return Optional.of(FinishReason.STOP_STRING);
                }
            }
        }
        if (length >= maxNewTokens) {
            return Optional.of(FinishReason.MAX_TOKENS);
        }
        if (promptLength + length >= model.maxPositionEmbeddings()) {
            return Optional.of(FinishReason.CONTEXT_FULL);
        }
        return Optional.empty();
    }

    /** Largest number of further tokens that can be committed before max tokens or the context end stop them. */
    public int room(int length) {
        return Math.min(maxNewTokens - length, model.maxPositionEmbeddings() - promptLength - length);
    }
}
