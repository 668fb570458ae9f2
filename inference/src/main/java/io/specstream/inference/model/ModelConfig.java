package io.specstream.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a Hugging Face Llama-style {@code config.json} the runtime needs.
 *
 * <p>Optional keys follow HF defaults: {@code head_dim} = hidden_size / num_attention_heads,
 * {@code num_key_value_heads} = num_attention_heads, {@code pad_token_id} = the first eos id.
 * {@code eos_token_id} may be a number or a list.
 */
public record ModelConfig(
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int padTokenId) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (eosTokenIds.isEmpty()) {
            throw new InvalidModelException("config.json: eos_token_id must name at least one token");
        }
    }

    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        int hidden = required(root, "hidden_size", configJson);
        int heads = required(root, "num_attention_heads", configJson);
        int kvHeads = optional(root, "num_key_value_heads", heads);
        List<Integer> eos = eosIds(root, configJson);
        return new ModelConfig(
                hidden,
                required(root, "num_hidden_layers", configJson),
                heads,
                kvHeads,
                optional(root, "head_dim", hidden / heads),
                required(root, "vocab_size", configJson),
                required(root, "max_position_embeddings", configJson),
                optional(root, "bos_token_id", eos.get(0)),
                eos,
                optional(root, "pad_token_id", eos.get(0)));
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }

    private static int required(JsonNode root, String key, Path file) {
        JsonNode node = root.get(key);
        if (node == null || !node.canConvertToInt()) {
            throw new InvalidModelException(file + " lacks the integer key '" + key + "'");
        }
        return node.intValue();
    }

    private static int optional(JsonNode root, String key, int fallback) {
        JsonNode node = root.get(key);
        return node == null || node.isNull() ? fallback : node.intValue();
    }

    private static List<Integer> eosIds(JsonNode root, Path file) {
        JsonNode node = root.get("eos_token_id");
        if (node == null || node.isNull()) {
            throw new InvalidModelException(file + " lacks the key 'eos_token_id'");
        }
        List<Integer> ids = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> ids.add(n.intValue()));
        } else {
            ids.add(node.intValue());
        }
        return ids;
    }
}
