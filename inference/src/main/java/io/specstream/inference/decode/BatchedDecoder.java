package io.specstream.inference.decode;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.specstream.inference.model.CacheLayout;
import io.specstream.inference.model.ModelSignature;
import io.specstream.inference.runtime.DecoderSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Continuous-batching decoder over one {@link DecoderSession}.
 *
 * <p>All running sequences share one cache block [batch, kvHeads, columns, headDim]. A step appends
 * {@code width} = the largest feed columns to every row; shorter feeds are padded and the padding masked, so
 * sequences may take 1 token (plain decoding) or 1 + k (verification) in the same step. The {@code present}
 * outputs become the next {@code past} as they are: while the batch does not change, no cache bytes are copied
 * in Java. Truncation only shortens a sequence's slot list (the columns are masked from then on). The cache is
 * copied densely only when sequences join (their prefill blocks merge in) and when holes, removed rows or idle rows
 * grow past the {@link CompactionPolicy}.
 *
 * <p>Only sequences fed since they last joined are in the batch: a new one joins at the first step that feeds it,
 * and one left unfed for the policy's idle steps leaves the batch at the next compaction, its cache kept in a block
 * of its own until a step feeds it again. Every row costs the forward its share whether it is fed or not, so a
 * drafter following many sequences runs at the batch of the ones it is drafting for.
 *
 * <pre>{@code
 * PrefilledGroup g = decoder.addGroup(prompt, 4);          // prompt computed once, forked to 4 sequences
 * StepResult r = decoder.step(List.of(StepRequest.of(a, t), StepRequest.of(b, t, d1, d2, d3)));
 * r.logits(b).argmax(0..3)                                   // the target's choice after t, d1, d2, d3
 * decoder.truncate(b, decoder.length(b) - 2);                // d2, d3 rejected: forget them
 * }</pre>
 *
 * Not thread-safe: one decode loop owns a decoder.
 */
public final class BatchedDecoder implements AutoCloseable {

    /** Prompt tokens per prefill run. */
    static final int PREFILL_CHUNK = 256;
    /**
     * Bytes of prefilled prompts kept for reuse ({@link PromptCache}) unless told otherwise: the shipped target's
     * 2 KiB a token makes that some 32,000 prompt tokens, every prompt of an RL dataset of a few hundred; on a large
     * model far fewer, and the least recently used make room.
     */
    public static final long DEFAULT_PROMPT_CACHE_BYTES = 64L << 20;

    private final DecoderSession session;
    private final CacheLayout layout;
    private final int vocab;
    private final int padToken;
    private final int maxPositions;
    private final CompactionPolicy policy;
    private final DirectBufferPool stepBuffers = new DirectBufferPool();
    private final CacheRebuilder rebuilder;
    /** Where steps pin their {@code present.*} outputs: two pools, one for each step's output, alternating. */
    private final DirectBufferPool[] presentPools = {new DirectBufferPool(), new DirectBufferPool()};
    /** A pool's buffer names, one per cache tensor: made once, not on every step. */
    private final String[] presentBufferNames;
    private int nextPresentPool;
    /** Whether the graph takes pinned {@code present.*} outputs (see {@link #forward}). */
    private boolean pinsPresent;
    private final Map<SequenceId, SequenceState> sequences = new LinkedHashMap<>();
    /** Blocks outside the batch: prefilled groups not yet fed, idle sequences that left the batch. */
    private final List<CacheBlock> outside = new ArrayList<>();
    /** Prefilled prompts kept for reuse: owned there until evicted, then here in {@code outside}. */
    private final PromptCache prompts;

    private CacheBlock batch;
    private SequenceState[] rows = new SequenceState[0];
    private long nextId;
    private long steps;

    public BatchedDecoder(DecoderSession session) {
        this(session, CompactionPolicy.defaults());
    }

    public BatchedDecoder(DecoderSession session, CompactionPolicy policy) {
        this(session, policy, DEFAULT_PROMPT_CACHE_BYTES, true);
    }

    /** Keeping at most {@code promptCacheBytes} of prefilled prompts for reuse (0: none). */
    public BatchedDecoder(DecoderSession session, CompactionPolicy policy, long promptCacheBytes) {
        this(session, policy, promptCacheBytes, true);
    }

    /** {@code pinsPresent} false: ONNX Runtime allocates every step's cache, as for a graph that refuses pinning. */
    BatchedDecoder(DecoderSession session, CompactionPolicy policy, long promptCacheBytes, boolean pinsPresent) {
        this.prompts = new PromptCache(promptCacheBytes);
        this.pinsPresent = pinsPresent;
        this.session = session;
        this.layout = session.cacheLayout();
        this.vocab = session.vocabSize();
        this.padToken = session.config().padTokenId();
        this.maxPositions = session.config().maxPositionEmbeddings();
        this.policy = policy;
        this.rebuilder = new CacheRebuilder(session.environment(), layout);
        this.presentBufferNames = new String[layout.tensorCount()];
        for (int i = 0; i < presentBufferNames.length; i++) {
            presentBufferNames[i] = "present." + i;
        }
    }

    /**
     * Computes {@code prompt} once and forks its cache to {@code samples} new sequences, which join the batch at
     * the next step. Their first token is sampled from the returned last-position logits. A prompt computed before
     * and still kept ({@link PromptCache}) is not computed again.
     */
    public PrefilledGroup addGroup(int[] prompt, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        if (prompt.length > maxPositions) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds max_position_embeddings="
                    + maxPositions);
        }
        checkTokens(prompt, "prompt");
        PromptCache.Kept kept = prompts.find(prompt).orElseGet(() -> prefill(prompt));
        List<SequenceId> ids = new ArrayList<>(samples);
        for (int s = 0; s < samples; s++) {
            SequenceId id = new SequenceId(nextId++);
            sequences.put(id, new SequenceState(id, SlotList.range(prompt.length), kept.block(), 0, steps));
            ids.add(id);
        }
        return new PrefilledGroup(ids, kept.lastLogits().clone());
    }

    /** Runs the prefill of {@code prompt}, and keeps it for reuse if it fits the prompt cache. */
    private PromptCache.Kept prefill(int[] prompt) {
        float[] last = new float[vocab];
        CacheBlock block = CacheBlock.empty(session.environment(), layout, 1);
        try {
            // chunks bound the [chunk, vocab] logits buffer the graph fills for every prompt position
            for (int start = 0; start < prompt.length; start += PREFILL_CHUNK) {
                int from = start;
                int count = Math.min(PREFILL_CHUNK, prompt.length - start);
                Map<String, OnnxTensorLike> inputs = new HashMap<>();
                block.addTo(inputs, layout);
                FloatBuffer logits = stepBuffers.floats("prefill.logits", (long) count * vocab);
                OrtSession.Result result = runWith(inputs, logits, 1, count, (ids, positions, mask) -> {
                    for (int t = 0; t < count; t++) {
                        ids.put(t, prompt[from + t]);
                        positions.put(t, from + t);
                    }
                    for (int j = 0; j < from + count; j++) {
                        mask.put(j, 1);
                    }
                }, from + count);
                CacheBlock extended = CacheBlock.fromPresent(result, layout, 1, from + count);
                block.close();
                block = extended;
                logits.get((count - 1) * vocab, last, 0, vocab);
            }
        } catch (RuntimeException e) {
            block.close();
            throw e;
        }
        long bytes = prompt.length * layout.bytesPerToken();
        List<CacheBlock> handedBack = prompts.keep(prompt, block, last, bytes);
        outside.addAll(handedBack);
        if (!handedBack.contains(block)) {
            closeUnusedOutside(); // the evicted that no sequence waits on; the new block has no sequence yet
        }
        return new PromptCache.Kept(block, last, bytes);
    }

    /** Prompts that joined from a prefill kept from before instead of a prefill of their own, so far. */
    public long promptsReused() {
        return prompts.reused();
    }

    /** Drops a sequence; its row is masked until the next compaction frees it. */
    public void remove(SequenceId sequence) {
        SequenceState state = require(sequence);
        sequences.remove(sequence);
        if (state.block == batch) {
            rows[state.row] = null;
        } else {
            closeUnusedOutside();
        }
    }

    /** Forgets every cached token from position {@code length} on (rejected draft tokens); nothing is recomputed. */
    public void truncate(SequenceId sequence, int length) {
        SequenceState state = require(sequence);
        if (length < 0 || length > state.length()) {
            throw new IllegalArgumentException("cannot truncate " + sequence + " of length " + state.length() + " to " + length);
        }
        state.slots.truncate(length);
    }

    /** Number of tokens (prompt included) whose keys and values are cached for {@code sequence}. */
    public int length(SequenceId sequence) {
        return require(sequence).length();
    }

    /** Rows the last step ran: the batch, fed or not — what each row fed in the next step shares the cost with. */
    public int batchRows() {
        return rows.length;
    }

    public Set<SequenceId> sequences() {
        return Set.copyOf(sequences.keySet());
    }

    /**
     * Feeds each listed sequence its tokens and returns the logits of every fed position. Sequences not listed take
     * no token this step. New groups join and the cache is compacted here, before the forward pass, when needed.
     */
    public StepResult step(List<StepRequest> requests) {
        Map<SequenceId, int[]> feeds = validate(requests);
        if (needsRebuild(feeds.keySet())) {
            rebuild(feeds.keySet());
        }
        int batchSize = rows.length;
        int width = requests.stream().mapToInt(r -> r.tokens().length).max().orElse(0);
        int past = batch.columns();
        FloatBuffer logits = stepBuffers.floats("step.logits", (long) batchSize * width * vocab);
        Map<String, OnnxTensorLike> inputs = new HashMap<>();
        batch.addTo(inputs, layout);
        InputWriter writer = (ids, positions, mask) -> {
            int maskWidth = past + width;
            for (int b = 0; b < batchSize; b++) {
                SequenceState state = rows[b];
                int[] feed = state == null ? null : feeds.get(state.id);
                int fed = feed == null ? 0 : feed.length;
                for (int t = 0; t < width; t++) {
                    ids.put(b * width + t, t < fed ? feed[t] : padToken);
                    positions.put(b * width + t, t < fed ? state.length() + t : 0);
                }
                int base = b * maskWidth;
                for (int j = 0; j < maskWidth; j++) {
                    mask.put(base + j, 0);
                }
                if (state != null) {
                    for (int p = 0; p < state.length(); p++) {
                        mask.put(base + state.slots.get(p), 1);
                    }
                }
                for (int t = 0; t < fed; t++) {
                    mask.put(base + past + t, 1);
                }
            }
        };
        CacheBlock previous = batch;
        batch = forward(inputs, logits, batchSize, width, writer, past + width);
        previous.close();
        Map<SequenceId, StepResult.RowSpan> spans = new HashMap<>();
        for (int b = 0; b < batchSize; b++) {
            SequenceState state = rows[b];
            if (state == null) {
                continue;
            }
            state.block = batch;
            int[] feed = feeds.get(state.id);
            if (feed != null) {
                for (int t = 0; t < feed.length; t++) {
                    state.slots.add(past + t);
                }
                spans.put(state.id, new StepResult.RowSpan(b, feed.length));
            }
        }
        long step = ++steps;
        for (SequenceId fed : feeds.keySet()) {
            sequences.get(fed).lastFed = step;
        }
        return new StepResult(step, () -> steps, logits, width, vocab, spans);
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
            batch = null;
        }
        outside.forEach(CacheBlock::close);
        outside.clear();
        prompts.close();
        sequences.clear();
        rows = new SequenceState[0];
    }

    private Map<SequenceId, int[]> validate(List<StepRequest> requests) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one request");
        }
        Map<SequenceId, int[]> feeds = new HashMap<>();
        Set<SequenceId> seen = new HashSet<>();
        for (StepRequest request : requests) {
            SequenceState state = require(request.sequence());
            if (!seen.add(request.sequence())) {
                throw new IllegalArgumentException(request.sequence() + " appears twice in one step");
            }
            if (request.tokens().length == 0) {
                throw new IllegalArgumentException(request.sequence() + " was fed no tokens");
            }
            if (state.length() + request.tokens().length > maxPositions) {
                throw new IllegalArgumentException(request.sequence() + " would reach position "
                        + (state.length() + request.tokens().length) + ", past max_position_embeddings=" + maxPositions);
            }
            checkTokens(request.tokens(), request.sequence().toString());
            feeds.put(request.sequence(), request.tokens());
        }
        return feeds;
    }

    private boolean needsRebuild(Set<SequenceId> fed) {
        if (batch == null || fed.stream().anyMatch(id -> sequences.get(id).block != batch)) {
            return true;
        }
        int deadOrIdle = 0;
        int longest = 0;
        for (SequenceState row : rows) {
            if (row == null || idle(row) && !fed.contains(row.id)) {
                deadOrIdle++;
            } else {
                longest = Math.max(longest, row.length());
            }
        }
        return policy.shouldCompact(batch.columns(), longest, deadOrIdle, rows.length);
    }

    /**
     * The new batch: the sequences fed now and those of the old batch not idle, densely. Idle ones leave for blocks of
     * their own; ones outside that are not fed stay where they are.
     */
    private void rebuild(Set<SequenceId> fed) {
        List<SequenceState> live = new ArrayList<>();
        for (SequenceState state : sequences.values()) {
            boolean inBatch = batch != null && state.block == batch;
            if (fed.contains(state.id) || inBatch && !idle(state)) {
                live.add(state);
            } else if (inBatch) {
                CacheBlock own = rebuilder.detach(state);
                outside.add(own);
                state.block = own;
                state.row = 0;
                state.slots = SlotList.range(state.length());
            }
        }
        CacheBlock rebuilt = rebuilder.rebuild(live);
        if (batch != null) {
            batch.close();
        }
        batch = rebuilt;
        rows = live.toArray(new SequenceState[0]);
        for (int b = 0; b < rows.length; b++) {
            rows[b].block = rebuilt;
            rows[b].row = b;
            rows[b].slots = SlotList.range(rows[b].length());
        }
        closeUnusedOutside();
    }

    private boolean idle(SequenceState state) {
        return steps - state.lastFed >= policy.idleSteps();
    }

    /** Closes the outside blocks no sequence is cached in any more (a group's prefill block serves all its samples). */
    private void closeUnusedOutside() {
        Set<CacheBlock> used = Collections.newSetFromMap(new IdentityHashMap<>());
        sequences.values().forEach(state -> used.add(state.block));
        outside.removeIf(block -> {
            if (used.contains(block)) {
                return false;
            }
            block.close();
            return true;
        });
    }

    @FunctionalInterface
    private interface InputWriter {
        void write(LongBuffer ids, LongBuffer positions, LongBuffer mask);
    }

    /**
     * A step's forward pass, its {@code present.*} pinned into the step pool that does not hold its past (the two
     * alternate), so that a later rebuild reads the cache in place. A graph whose cache does not grow by exactly the
     * fed width refuses the pinned shapes once; from then on ONNX Runtime allocates the cache, which a rebuild copies.
     */
    private CacheBlock forward(Map<String, OnnxTensorLike> inputs, FloatBuffer logits, int batchSize, int width,
                               InputWriter writer, int columns) {
        if (pinsPresent) {
            DirectBufferPool pool = presentPools[nextPresentPool];
            FloatBuffer[] buffers = new FloatBuffer[layout.tensorCount()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = pool.floats(presentBufferNames[i],
                        (long) batchSize * layout.kvHeads() * columns * layout.headDim());
            }
            CacheBlock present = CacheBlock.overBuffers(session.environment(), buffers, layout, batchSize, columns);
            try {
                withTensors(inputs, logits, batchSize, width, writer, columns, logitsTensor -> {
                    session.runPinned(inputs, logitsTensor, present.tensors());
                    return null;
                });
                nextPresentPool ^= 1;
                return present;
            } catch (OrtException e) {
                present.close();
                pinsPresent = false;
            }
        }
        return CacheBlock.fromPresent(runWith(inputs, logits, batchSize, width, writer, columns), layout, batchSize,
                columns);
    }

    private OrtSession.Result runWith(Map<String, OnnxTensorLike> inputs, FloatBuffer logits,
                                      int batchSize, int width, InputWriter writer, int maskWidth) {
        try {
            return withTensors(inputs, logits, batchSize, width, writer, maskWidth,
                    logitsTensor -> session.run(inputs, logitsTensor));
        } catch (OrtException e) {
            throw new IllegalStateException("cannot wrap step inputs: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a run's inputs into the step buffers, adds tensors over them to {@code inputs} and hands {@code run} the
     * logits tensor; every tensor made here is closed after the run.
     */
    private <T> T withTensors(Map<String, OnnxTensorLike> inputs, FloatBuffer logits, int batchSize, int width,
                              InputWriter writer, int maskWidth, Run<T> run) throws OrtException {
        if (batchSize == 0) {
            throw new IllegalStateException("no sequences to run");
        }
        LongBuffer ids = stepBuffers.longs("input_ids", batchSize * width);
        LongBuffer positions = stepBuffers.longs("position_ids", batchSize * width);
        LongBuffer mask = stepBuffers.longs("attention_mask", batchSize * maskWidth);
        writer.write(ids, positions, mask);
        var env = session.environment();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids, new long[] {batchSize, width});
             OnnxTensor positionsTensor = OnnxTensor.createTensor(env, positions, new long[] {batchSize, width});
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, new long[] {batchSize, maskWidth});
             OnnxTensor logitsTensor = OnnxTensor.createTensor(env, logits, new long[] {batchSize, width, vocab})) {
            inputs.put(ModelSignature.INPUT_IDS, idsTensor);
            inputs.put(ModelSignature.POSITION_IDS, positionsTensor);
            inputs.put(ModelSignature.ATTENTION_MASK, maskTensor);
            return run.with(logitsTensor);
        }
    }

    /** A forward pass over prepared inputs, its logits pinned into {@code logits}. */
    @FunctionalInterface
    private interface Run<T> {
        T with(OnnxTensor logits) throws OrtException;
    }

    private SequenceState require(SequenceId sequence) {
        SequenceState state = sequences.get(sequence);
        if (state == null) {
            throw new IllegalArgumentException("unknown sequence " + sequence);
        }
        return state;
    }

    private void checkTokens(int[] tokens, String what) {
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException(what + ": token " + tokens[t] + " at index " + t
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }
}
