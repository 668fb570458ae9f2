package io.specstream.draft;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.SequenceKey;

import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.PrefilledGroup;
import io.specstream.inference.decode.SequenceLogits;
import io.specstream.inference.decode.StepRequest;
import io.specstream.inference.decode.StepResult;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.sampling.TokenSampler;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drafts with a small model, batched across every sequence it follows.
 *
 * <p>Each sequence is mirrored (committed response + own unverified tail). Drafting feeds whatever the cache lacks
 * (one token normally, more after a rollback) and draws the next token with the target's sampling rule and the
 * target's noise key at that position (greedy at temperature 0, seeded Gumbel otherwise), so where both models
 * rank alike the guess is the target's token. A commit that agrees with the tail keeps it; one that disagrees
 * truncates the cache to the agreement point (no recompute) and drafting continues from the commit. The tail
 * never grows past {@code window} tokens beyond the last commit (run-ahead window, DESIGN invariant 4). A sequence
 * is prefilled at its first draft, not when opened: a drafter told of a whole epoch's prompts at once spends nothing
 * on the queued ones until it drafts for them, and a GRPO group's samples share one prefill. Run ahead, it drafts for
 * queued sequences only for the next few the verifier will admit ({@link #draftAhead}).
 *
 * <pre>{@code
 * try (ModelDrafter drafter = ModelDrafter.withWindowFor("draft-small", session, 4)) {   // window 8
 *     drafter.open(key, prompt, SamplingParams.greedy(), 7);
 *     DraftTail tail = drafter.propose(key, 4).orElseThrow();   // start 0, 4 guessed tokens
 *     drafter.onCommitted(key, 0, new int[] {tail.tokenAt(0), 99});   // first agreed, second did not
 *     drafter.propose(key, 4);                                   // start 2: drafts on top of ..., 99
 * }
 * }</pre>
 *
 * Owns its {@link BatchedDecoder}, not the session.
 */
public final class ModelDrafter implements Drafter {

    private final String name;
    private final int window;
    private int maxPositions;
    private final int vocab;
    /** Its model's decoder; replaced by {@link #useModel} (step thread only, like every other call). */
    private BatchedDecoder decoder;
    private final TokenSampler sampler = new TokenSampler();
    private final Map<SequenceKey, MirrorSequence> mirrors = new LinkedHashMap<>();
    /** The most sequences seen running at once: how many the verifier admits ({@link #nextAdmitted}). */
    private int mostRunning;
    /** Prefill runs per drafting round: bounds a round when many requests arrive at once (a whole epoch's). */
    static final int PREFILLS_PER_ROUND = 8;

    public ModelDrafter(String name, DecoderSession session, int window) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("drafter name must not be blank");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 token, got " + window);
        }
        this.name = name;
        this.window = window;
        this.maxPositions = session.config().maxPositionEmbeddings();
        this.vocab = session.vocabSize();
        this.decoder = new BatchedDecoder(session);
    }

    /** A drafter whose run-ahead window is twice the draft length {@code k}, as the paper runs it. */
    public static ModelDrafter withWindowFor(String name, DecoderSession session, int k) {
        return new ModelDrafter(name, session, 2 * k);
    }

    @Override
    public String name() {
        return name;
    }

    /** Token ids it drafts: its model's vocabulary size, the target's. */
    public int vocabSize() {
        return vocab;
    }

    /**
     * Drafts with {@code session}'s model from now on — a new policy version's draft model. The old model's caches
     * go; every followed sequence is prefilled afresh by the new model at its next draft, its tail kept (a hint,
     * whichever model guessed it). Refuses a model of another vocabulary: its token ids would not be the target's.
     */
    public void useModel(DecoderSession session) {
        if (session.vocabSize() != vocab) {
            throw new IllegalArgumentException("drafter " + name + ": a model with a vocabulary of "
                    + session.vocabSize() + " tokens cannot replace one of " + vocab);
        }
        BatchedDecoder old = decoder;
        decoder = new BatchedDecoder(session);
        maxPositions = session.config().maxPositionEmbeddings();
        mirrors.values().forEach(mirror -> mirror.id = null);
        old.close();
    }

    public int window() {
        return window;
    }

    @Override
    public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
        forget(key);
        if (promptIds.length >= maxPositions) {
            return; // no room to draft: the sequence simply gets no tails
        }
        // prefilled at its first draft: a request queued behind others costs nothing until then
        mirrors.put(key, new MirrorSequence(promptIds, params, NoiseKey.of(seed, key.requestId(), key.sampleIndex(), 0)));
    }

    @Override
    public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        MirrorSequence mirror = mirrors.get(key);
        if (mirror == null) {
            return;
        }
        int keep = mirror.applyCommit(startPosition, tokens);
        if (!mirror.prefilled()) {
            return;
        }
        if (cached(mirror) > keep) {
            decoder.truncate(mirror.id, mirror.promptLength + keep);
        }
    }

    @Override
    public void forget(SequenceKey key) {
        MirrorSequence mirror = mirrors.remove(key);
        if (mirror != null && mirror.prefilled()) {
            decoder.remove(mirror.id);
        }
    }

    /** Drafts until each tail holds {@code min(k, window)} tokens (or the context is full), in batched steps. */
    @Override
    public Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k) {
        int wanted = Math.min(k, window);
        List<SequenceKey> known = keys.stream().filter(mirrors::containsKey).toList();
        while (draftOneToken(known, wanted)) {
            // each round adds one token to every tail still short of `wanted`
        }
        return tailsOf(known);
    }

    /**
     * The decoupled run-ahead step: one batched forward adds a token to every listed tail still inside the
     * window — running sequences first, then the {@linkplain #nextAdmitted next to be admitted}. Returns the tails
     * that grew.
     */
    public Map<SequenceKey, DraftTail> draftAhead(List<SequenceKey> keys) {
        List<SequenceKey> growing = nextAdmitted(keys, keys.stream()
                .filter(key -> mirrors.containsKey(key) && canGrow(mirrors.get(key), window))
                .toList());
        draftOneToken(growing, window);
        return tailsOf(growing);
    }

    /**
     * Of {@code growing}, the sequences worth drafting ahead for: all of them while a running one (some token
     * committed) is among them ({@link #draftOneToken} then drafts for the running ones only); else only those among
     * the next the verifier will admit — as many waiting sequences as run now or ran at once before (the verifier's
     * batch, as far as seen), in the order they were opened (its order), a request's samples together. Before any
     * sequence has run, nothing bounds it: the verifier's batch is unknown, and at its first admission every queued
     * sequence may be taken. Drafting for every queued sequence all along kept the draft loop busy on the core the
     * Kafka clients and the broker share, and the verifier's commits reached it late: at one running sequence
     * 63–349 ms on average over 2 s intervals (bench, decoupled greedy), 31–84 ms with this rule; its tails stale on
     * arrival either way at 0.6 ms a verify step. With the next ones' tails full the loop waits for the next commit.
     *
     * <p>Example: r0#0 runs (one at a time so far), its tail full; r1#0..r1#3 and r2#0..r2#3 wait → r1#0..r1#3 grow
     * (a request whole, even past the one running sequence); once their tails are full nothing grows until a commit
     * comes or r0#0 ends.
     */
    private List<SequenceKey> nextAdmitted(List<SequenceKey> keys, List<SequenceKey> growing) {
        int running = (int) keys.stream().map(mirrors::get).filter(mirror -> mirror != null && mirror.running())
                .count();
        mostRunning = Math.max(mostRunning, running);
        if (mostRunning == 0 || growing.stream().anyMatch(key -> mirrors.get(key).running())) {
            return growing;
        }
        Set<SequenceKey> listed = new HashSet<>(keys);
        Set<SequenceKey> next = new HashSet<>();
        String lastRequest = null;
        for (Map.Entry<SequenceKey, MirrorSequence> entry : mirrors.entrySet()) {
            SequenceKey key = entry.getKey();
            if (!listed.contains(key) || entry.getValue().running()) {
                continue;
            }
            if (next.size() >= mostRunning && !key.requestId().equals(lastRequest)) {
                break;
            }
            next.add(key);
            lastRequest = key.requestId();
        }
        return growing.stream().filter(next::contains).toList();
    }

    /** Tokens past the last commit that {@code key}'s tail holds now; 0 for sequences not followed. */
    public int tailLength(SequenceKey key) {
        MirrorSequence mirror = mirrors.get(key);
        return mirror == null ? 0 : mirror.tailLength();
    }

    @Override
    public void close() {
        mirrors.clear();
        decoder.close();
    }

    /**
     * Adds one token to each listed tail short of {@code wanted}: prefilled sequences in one batched step, the others
     * from their prefill (at most {@value #PREFILLS_PER_ROUND} contexts a round). Sequences the verifier runs (some
     * token committed) go first: one still waiting for its first commit is drafted for only in a round with nothing
     * else to do. A sequence whose cache lags its committed tokens by more than the window is caught up in the batched
     * step or prefilled anew ({@link #catchUp}). True when some tail grew.
     */
    private boolean draftOneToken(List<SequenceKey> keys, int wanted) {
        List<MirrorSequence> candidates = keys.stream().map(mirrors::get)
                .filter(mirror -> mirror != null && canGrow(mirror, wanted)).toList();
        boolean anyRunning = candidates.stream().anyMatch(MirrorSequence::running);
        List<MirrorSequence> growing = new ArrayList<>();
        List<StepRequest> requests = new ArrayList<>();
        List<MirrorSequence> unfilled = new ArrayList<>();
        List<MirrorSequence> laggards = new ArrayList<>();
        for (MirrorSequence mirror : candidates) {
            if (anyRunning && !mirror.running()) {
                continue;
            }
            int cached = mirror.prefilled() ? cached(mirror) : 0;
            if (mirror.prefilled() && cached < mirror.length() - window) {
                laggards.add(mirror);
                continue;
            }
            if (!mirror.prefilled()) {
                unfilled.add(mirror);
                continue;
            }
            growing.add(mirror);
            requests.add(new StepRequest(mirror.id, mirror.tokensFrom(cached)));
        }
        catchUp(laggards, growing, requests, unfilled);
        boolean prefilled = prefill(unfilled);
        if (requests.isEmpty()) {
            return prefilled;
        }
        StepResult result = decoder.step(requests);
        float[] row = new float[vocab];
        for (MirrorSequence mirror : growing) {
            SequenceLogits logits = result.logits(mirror.id);
            logits.copyRow(logits.count() - 1, row);
            drawNext(mirror, row);
        }
        return true;
    }

    /**
     * Sequences whose cache lags by more than the window: fed their missing tokens in the batched step, or prefilled
     * anew, whichever {@link CatchUpCost} finds cheaper for the step's rows.
     */
    private void catchUp(List<MirrorSequence> laggards, List<MirrorSequence> growing, List<StepRequest> requests,
                         List<MirrorSequence> unfilled) {
        if (laggards.isEmpty()) {
            return;
        }
        int widest = 0;
        long contexts = 0;
        for (MirrorSequence laggard : laggards) {
            widest = Math.max(widest, laggard.length() - cached(laggard));
            contexts += laggard.promptLength + laggard.length();
        }
        int rows = Math.max(decoder.batchRows(), requests.size() + laggards.size());
        boolean inStep = CatchUpCost.cheaperInStep(rows, widest, contexts);
        for (MirrorSequence laggard : laggards) {
            if (inStep) {
                growing.add(laggard);
                requests.add(new StepRequest(laggard.id, laggard.tokensFrom(cached(laggard))));
            } else {
                decoder.remove(laggard.id);
                laggard.id = null;
                unfilled.add(laggard);
            }
        }
    }

    /**
     * Prefills the contexts of some {@code unfilled} sequences, one run per distinct context (a GRPO group's samples
     * not yet committed to share their prompt's), and draws each one's next token from it.
     *
     * <p>Example: r1#0..r1#3 waiting for their first commit → one run of r1's prompt forked to 4 sequences; r0#2 with
     * 5 committed tokens → one run of r0#2's prompt + those 5 tokens.
     */
    private boolean prefill(List<MirrorSequence> unfilled) {
        // an IntBuffer compares and hashes by content: the context array itself is the key, unboxed
        Map<IntBuffer, List<MirrorSequence>> byContext = new LinkedHashMap<>();
        unfilled.forEach(mirror -> byContext.computeIfAbsent(IntBuffer.wrap(mirror.context()),
                context -> new ArrayList<>()).add(mirror));
        int runs = 0;
        for (Map.Entry<IntBuffer, List<MirrorSequence>> entry : byContext.entrySet()) {
            if (runs++ == PREFILLS_PER_ROUND) {
                break;
            }
            List<MirrorSequence> group = entry.getValue();
            PrefilledGroup prefilled = decoder.addGroup(entry.getKey().array(), group.size());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).id = prefilled.sequences().get(i);
                // the next token is guessed from the context's last logits, exactly where the target draws it
                drawNext(group.get(i), prefilled.lastLogits());
            }
        }
        return runs > 0;
    }

    /** Response tokens the draft model's cache holds for a prefilled {@code mirror}. */
    private int cached(MirrorSequence mirror) {
        return decoder.length(mirror.id) - mirror.promptLength;
    }

    private void drawNext(MirrorSequence mirror, float[] logits) {
        mirror.appendDrafted(sampler.token(logits, mirror.params, mirror.noiseAt(mirror.length())));
    }

    private boolean canGrow(MirrorSequence mirror, int wanted) {
        // the next drafted token sits at position promptLength + length and must be feedable later
        return mirror.tailLength() < wanted && mirror.promptLength + mirror.length() < maxPositions;
    }

    private Map<SequenceKey, DraftTail> tailsOf(List<SequenceKey> keys) {
        Map<SequenceKey, DraftTail> tails = new HashMap<>();
        for (SequenceKey key : keys) {
            MirrorSequence mirror = mirrors.get(key);
            if (mirror != null && mirror.tailLength() > 0) {
                tails.put(key, mirror.tail(name));
            }
        }
        return tails;
    }
}
