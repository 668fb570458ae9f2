package io.specstream.inference.decode;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prefilled prompts kept for the next request with the very same prompt: RL re-samples the same prompts every epoch,
 * and a GRPO group admitted a sample at a time asks for the same prompt again and again. A prompt found here joins
 * from the kept cache (its sequences copy from it when they join the batch, as from any prefill block) instead of
 * running its prefill again; the prefill's output is a function of the prompt alone, so the logits are the same to
 * the bit. Exact match on the whole prompt; the least recently used leave first once the kept caches would pass the
 * budget.
 *
 * <p>Example, budget 100 KiB at 2 KiB per token: prompts of 20 and 25 tokens are kept (40 + 50 KiB); a third of 10
 * tokens evicts the 20-token one (least recently used) unless it was asked for since; a prompt of 60 tokens
 * (120 KiB) is never kept.
 *
 * <p>A kept block is read only. An evicted one may still be the cache of sequences that have not joined the batch
 * yet: {@link #keep} hands it back to the decoder, which closes it once no sequence uses it.
 */
final class PromptCache implements AutoCloseable {

    /** A prefilled prompt: its cache and the logits at its last position. */
    record Kept(CacheBlock block, float[] lastLogits, long bytes) {
    }

    private final long budgetBytes;
    private final Map<IntBuffer, Kept> kept = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long reused;

    PromptCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("a prompt cache budget must be >= 0 bytes (0 = keep none), got "
                    + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The kept prefill of exactly {@code prompt}, now the most recently used. */
    Optional<Kept> find(int[] prompt) {
        Kept found = kept.get(IntBuffer.wrap(prompt));
        if (found != null) {
            reused++;
        }
        return Optional.ofNullable(found);
    }

    /**
     * Keeps {@code block} as the prefill of {@code prompt} if it fits the budget; returns the blocks the decoder owns
     * from now on: the ones evicted to make room, or {@code block} itself when it does not fit.
     */
    List<CacheBlock> keep(int[] prompt, CacheBlock block, float[] lastLogits, long blockBytes) {
        if (blockBytes > budgetBytes) {
            return List.of(block);
        }
        List<CacheBlock> evicted = new ArrayList<>();
        for (Iterator<Kept> oldest = kept.values().iterator(); bytes + blockBytes > budgetBytes; ) {
            Kept leaving = oldest.next();
            oldest.remove();
            bytes -= leaving.bytes();
            evicted.add(leaving.block());
        }
        kept.put(IntBuffer.wrap(prompt.clone()), new Kept(block, lastLogits.clone(), blockBytes));
        bytes += blockBytes;
        return evicted;
    }

    /** Prompts served from here so far instead of a prefill. */
    long reused() {
        return reused;
    }

    @Override
    public void close() {
        kept.values().forEach(entry -> entry.block().close());
        kept.clear();
        bytes = 0;
    }
}
