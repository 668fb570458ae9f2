package io.specstream.inference.text;

import io.specstream.inference.model.ModelConfig;

/**
 * Text prompt → the ids a decoder-only model was trained on: BOS first, then the text's tokens — what Hugging
 * Face's Llama tokenizers produce with {@code add_special_tokens=True}. The shipped tokenizer.json has no
 * post-processor, so the BOS comes from config.json's {@code bos_token_id}.
 *
 * <p>Example (shipped models, bos 1): {@code "Q: 2 + 3?\n"} → {@code [1, ...tokens of "Q: 2 + 3?\n"]}.
 * Prompts a trainer sends as token ids are used as given: the trainer owns their special tokens.
 */
public final class PromptEncoder {

    private final TextTokenizer tokenizer;
    private final int bosTokenId;

    public PromptEncoder(TextTokenizer tokenizer, ModelConfig config) {
        this.tokenizer = tokenizer;
        this.bosTokenId = config.bosTokenId();
    }

    public int[] encode(String prompt) {
        int[] text = tokenizer.encode(prompt);
        int[] ids = new int[text.length + 1];
        ids[0] = bosTokenId;
        System.arraycopy(text, 0, ids, 1, text.length);
        return ids;
    }
}
