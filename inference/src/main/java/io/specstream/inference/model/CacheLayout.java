package io.specstream.inference.model;

/**
 * Shape of one sequence's KV cache: {@code layers} x (key, value) x [kvHeads, tokens, headDim] floats.
 *
 * <p>Example (the shipped target: 4 layers, 2 KV heads, head_dim 32): one cached token is
 * 2 * 4 * 2 * 32 = 512 floats = 2048 bytes.
 */
public record CacheLayout(int layers, int kvHeads, int headDim) {

    /** Number of past/present tensors: a key and a value per layer. */
    public int tensorCount() {
        return 2 * layers;
    }

    public int floatsPerTokenPerTensor() {
        return kvHeads * headDim;
    }

    public long bytesPerToken() {
        return (long) tensorCount() * floatsPerTokenPerTensor() * Float.BYTES;
    }

    /** Input name of tensor {@code i}: even = key, odd = value of layer i / 2. */
    public String pastName(int i) {
        return "past_key_values." + (i / 2) + (i % 2 == 0 ? ".key" : ".value");
    }

    public String presentName(int i) {
        return "present." + (i / 2) + (i % 2 == 0 ? ".key" : ".value");
    }
}
