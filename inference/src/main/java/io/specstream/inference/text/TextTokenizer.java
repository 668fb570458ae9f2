package io.specstream.inference.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.specstream.inference.model.InvalidModelException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The model's {@code tokenizer.json} through DJL's Hugging Face tokenizers, strictly offline: no hub downloads and
 * no usage tracking. Special tokens are not added, so ids match the Python tokenizer's {@code encode(text)} with
 * {@code add_special_tokens=False}; {@link PromptEncoder} puts the BOS in front of a prompt.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static TextTokenizer open(Path tokenizerJson) {
        DjlOfflineMode.apply();
        try {
            return new TextTokenizer(HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build());
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
