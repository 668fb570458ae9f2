package io.specstream.verify;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.PrefilledGroup;
import io.specstream.inference.decode.SequenceId;
import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.TokenSampler;
import io.specstream.inference.text.TextTokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The verifier's engine: continuous batching over the target model with lossless speculative verification.
 * Pure, synchronous and single-threaded — the service wiring calls it from its one loop.
 *
 * <pre>{@code
 * engine.submit(spec);                                  // queued; admitted when the batch has room
 * List<SequenceKey> joined = engine.admit();            // prefill once per request, first token per sample
 * List<StepOutcome> outcomes = engine.step(key -> Optional.ofNullable(tails.get(key)));
 * List<CompletedRollout> done = engine.takeFinished();  // finished sequences have left the batch
 * }</pre>
 *
 * Admission: a request waits until its n samples fit under max batch sequences; its prompt is computed once and
 * forked to the n samples, whose first tokens are drawn from the shared last-prompt logits with each sample's own
 * noise. Those first tokens are reported in the outcomes of the next {@link #step}.
 */
public final class VerifyEngine implements AutoCloseable {

    private final ModelConfig model;
    private final TextTokenizer tokenizer;
    private final VerifyConfig config;
    private final BatchedDecoder decoder;
    private final VerifyStep verifyStep;
    private final StepWidths widths;
    private final BatchSeats seats;
    private final TokenSampler sampler = new TokenSampler();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Deque<Queued> waiting = new ArrayDeque<>();
    private final Map<SequenceKey, VerifySequence> active = new LinkedHashMap<>();
    private final Map<SequenceKey, StepOutcome> admissions = new LinkedHashMap<>();
    private final List<CompletedRollout> finished = new ArrayList<>();
    private long prefillNanos;

    /** An engine on an open session and tokenizer, which the caller keeps and closes; widths as the config says. */
    public VerifyEngine(DecoderSession session, TextTokenizer tokenizer, VerifyConfig config) {
        this(session, tokenizer, config, widthsFor(session, config));
    }

    private static StepWidths widthsFor(DecoderSession session, VerifyConfig config) {
        return switch (config.stepWidth()) {
            case GOODPUT -> new GoodputController(() -> StepCostCalibration.measure(session, config),
                    new AcceptanceEstimates(config.maxDraftTokens()));
            case WIDEST -> StepWidths.widest();
        };
    }

    /** An engine whose step widths {@code widths} chooses, with a batch of its own. */
    public VerifyEngine(DecoderSession session, TextTokenizer tokenizer, VerifyConfig config, StepWidths widths) {
        this(session, tokenizer, config, widths, new BatchSeats(config.maxBatchSequences()));
    }

    private VerifyEngine(DecoderSession session, TextTokenizer tokenizer, VerifyConfig config, StepWidths widths,
                         BatchSeats seats) {
        this.model = session.config();
        this.tokenizer = tokenizer;
        this.config = config;
        this.decoder = new BatchedDecoder(session);
        this.widths = widths;
        this.seats = seats;
        this.verifyStep = new VerifyStep(decoder, session.vocabSize(), config.maxDraftTokens(), config.maxTokensPerStep(),
                widths);
    }

    /** Opens the target model of {@code config}; the engine owns and closes the session and tokenizer. */
    public static VerifyEngine open(VerifyConfig config) {
        return open(config, new BatchSeats(config.maxBatchSequences()));
    }

    /**
     * As {@link #open(VerifyConfig)}, its sequences taking places from {@code seats}, which other engines (other
     * policy versions) share.
     */
    public static VerifyEngine open(VerifyConfig config, BatchSeats seats) {
        ModelDirectory directory = ModelDirectory.open(config.modelDir());
        DecoderSession session = DecoderSession.open(directory, config.inference());
        TextTokenizer tokenizer;
        try {
            tokenizer = TextTokenizer.open(directory.tokenizerFile());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        VerifyEngine engine = new VerifyEngine(session, tokenizer, config, widthsFor(session, config), seats);
        engine.owned.add(tokenizer);
        engine.owned.add(session);
        return engine;
    }

    public ModelConfig model() {
        return model;
    }

    /** The settings this engine runs with (its model directory among them). */
    public VerifyConfig config() {
        return config;
    }

    /** The batch places this engine's sequences take, maybe shared with other engines. */
    public BatchSeats seats() {
        return seats;
    }

    /** Queues a request; refuses one that cannot run on this model or can never fit the batch. */
    public void submit(RolloutSpec spec) {
        submit(spec, Map.of());
    }

    /**
     * Queues a request whose samples {@code resumed} (by sample index) had committed a prefix elsewhere: those
     * samples continue after it, the others start at the prompt. Refuses a prefix that could not have come from
     * this request on this model (ids outside the vocabulary, longer than max new tokens or the context).
     */
    public void submit(RolloutSpec spec, Map<Integer, CommittedPrefix> resumed) {
        spec.checkAgainst(model);
        if (spec.samples() > config.maxBatchSequences()) {
            throw new IllegalArgumentException("request " + spec.requestId() + ": n_samples=" + spec.samples()
                    + " is not valid; allowed values: 1 to " + config.maxBatchSequences() + " (this verifier's "
                    + VerifyConfig.MAX_BATCH_SEQUENCES + "=" + config.maxBatchSequences() + ")");
        }
        resumed.forEach((sample, prefix) -> checkPrefix(spec, sample, prefix));
        waiting.add(new Queued(spec, Map.copyOf(resumed)));
    }

    private void checkPrefix(RolloutSpec spec, int sample, CommittedPrefix prefix) {
        String what = "request " + spec.requestId() + " sample " + sample + ": a resumed prefix of " + prefix.length()
                + " tokens";
        if (sample < 0 || sample >= spec.samples()) {
            throw new IllegalArgumentException(what + " names a sample outside [0, " + spec.samples() + ")");
        }
        if (prefix.length() >= spec.maxNewTokens()
                || spec.promptIds().length + prefix.length() >= model.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(what + " leaves no room for another token (max new tokens "
                    + spec.maxNewTokens() + ", max_position_embeddings " + model.maxPositionEmbeddings() + ")");
        }
        for (int token : prefix.tokens()) {
            if (token < 0 || token >= model.vocabSize()) {
                throw new IllegalArgumentException(what + " holds token id " + token + ", outside the vocabulary [0, "
                        + model.vocabSize() + ")");
            }
        }
    }

    /**
     * Admits waiting requests while their samples fit, in arrival order, and returns the keys that joined the batch
     * (samples finished by their very first token are reported as outcomes but not returned).
     */
    public List<SequenceKey> admit() {
        List<SequenceKey> joined = new ArrayList<>();
        while (!waiting.isEmpty() && seats.fits(waiting.peek().spec().samples())) {
            long started = System.nanoTime();
            Queued queued = waiting.poll();
            RolloutSpec spec = queued.spec();
            if (queued.resumed().isEmpty()) {
                // the prompt is computed once and forked to every sample
                PrefilledGroup group = decoder.addGroup(spec.promptIds(), spec.samples());
                for (int s = 0; s < spec.samples(); s++) {
                    join(spec, s, group.sequences().get(s), group.lastLogits(), CommittedPrefix.EMPTY, joined);
                }
            } else {
                // each sample's own prefix follows the prompt, so each is computed on its own
                for (int s = 0; s < spec.samples(); s++) {
                    CommittedPrefix prefix = queued.resumed().getOrDefault(s, CommittedPrefix.EMPTY);
                    PrefilledGroup alone = decoder.addGroup(concat(spec.promptIds(), prefix.tokens()), 1);
                    join(spec, s, alone.sequences().get(0), alone.lastLogits(), prefix, joined);
                }
            }
            prefillNanos += System.nanoTime() - started;
        }
        return joined;
    }

    /** Recommits {@code prefix}, then draws the next token from {@code lastLogits}: the sample's first outcome. */
    private void join(RolloutSpec spec, int sample, SequenceId id, float[] lastLogits, CommittedPrefix prefix,
                      List<SequenceKey> joined) {
        SequenceKey key = new SequenceKey(spec.requestId(), sample);
        VerifySequence sequence = new VerifySequence(key, id, spec, new StopRule(model, spec, tokenizer::decode));
        Optional<FinishReason> finish = Optional.empty();
        for (int i = 0; i < prefix.length() && finish.isEmpty(); i++) {
            finish = sequence.commit(prefix.at(i));
        }
        int start = sequence.committedLength();
        if (finish.isEmpty()) {
            finish = sequence.commit(sampler.sample(lastLogits, spec.sampling(), sequence.noiseAt(start)));
        }
        int[] committed = sequence.committed();
        admissions.put(key, new StepOutcome(key, start, Arrays.copyOfRange(committed, start, committed.length),
                Optional.empty(), 0, 0, finish));
        if (finish.isPresent()) {
            complete(sequence);
        } else {
            active.put(key, sequence);
            seats.take();
            joined.add(key);
        }
    }

    private static int[] concat(int[] first, int[] second) {
        int[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    /** The committed prefix of a sequence in the batch, if it is there. */
    public Optional<CommittedPrefix> progress(SequenceKey key) {
        return Optional.ofNullable(active.get(key)).map(VerifySequence::prefix);
    }

    /**
     * Wall time this engine spent so far in prefill (admission: prompts computed, first tokens drawn) and in the
     * batched forward of its steps; the rest of a step is draft choice and acceptance.
     */
    public EngineTime time() {
        return new EngineTime(prefillNanos, verifyStep.forwardNanos());
    }

    /**
     * Gets the step widths ready before the first draft arrives (the goodput controller measures its step costs, a
     * second or so), so that the first requests do not wait for it.
     */
    public void prepareStepWidths() {
        widths.prepare();
    }

    /** Tokens fed per sequence in the last step: 1 when it decoded plainly. */
    public int lastStepWidth() {
        return verifyStep.lastWidth();
    }

    /**
     * How many tokens (0 .. {@code cap}) a drafter running inside the verifier should draft for every active sequence
     * before the next step, when it costs {@code cost} of this thread's time per sequence.
     */
    public int plannedDraftTokens(String drafter, int cap, DrafterCost cost) {
        List<String> requestIds = new ArrayList<>(active.size());
        active.keySet().forEach(key -> requestIds.add(key.requestId()));
        return widths.plannedDraftTokens(drafter, requestIds, cap, cost);
    }

    /** An in-verifier drafter asked for drafts for {@code asked} sequences offered {@code usable}. */
    public void draftsOffered(String drafter, int asked, int usable) {
        widths.offered(drafter, asked, usable);
    }

    /** How many sequences are in the batch now (no copy of their keys). */
    public int activeCount() {
        return active.size();
    }

    /** Sequences in the batch now, in admission order. */
    public List<SequenceKey> activeKeys() {
        return List.copyOf(active.keySet());
    }

    /** Whether requests wait for a place in the batch: then it is full, and more prompts could not join yet. */
    public boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /** Whether anything is waiting, running, or finished but not yet taken. */
    public boolean hasWork() {
        return !waiting.isEmpty() || !active.isEmpty() || !admissions.isEmpty() || !finished.isEmpty();
    }

    /**
     * Admits what fits, then verifies one step over every active sequence with whatever tails {@code drafts} offers
     * (an empty answer means plain decoding for that sequence). Returns one outcome per sequence that committed
     * tokens since the last call, its first token from admission included.
     */
    public List<StepOutcome> step(Function<SequenceKey, Optional<DraftTail>> drafts) {
        return stepChoosing(key -> DraftCandidates.of(drafts.apply(key)));
    }

    /**
     * As {@link #step}, with several drafters' tails per sequence: the one to verify is picked as
     * {@link DraftCandidates} says, the other usable ones come back as each outcome's alternatives.
     */
    public List<StepOutcome> stepChoosing(Function<SequenceKey, DraftCandidates> drafts) {
        admit();
        Map<SequenceKey, StepOutcome> outcomes = new LinkedHashMap<>(admissions);
        admissions.clear();
        if (!active.isEmpty()) {
            List<VerifySequence> sequences = List.copyOf(active.values());
            for (StepOutcome outcome : verifyStep.run(sequences, drafts)) {
                outcomes.merge(outcome.key(), outcome, StepOutcome::then);
            }
            for (VerifySequence sequence : sequences) {
                if (sequence.finish().isPresent()) {
                    active.remove(sequence.key());
                    seats.release();
                    complete(sequence);
                }
            }
        }
        return List.copyOf(outcomes.values());
    }

    /**
     * Forgets a request: its waiting, running and finished-but-untaken samples leave without a trace, their cache
     * rows freed. Used when another instance takes the request over (a rebalance); true when anything was dropped.
     */
    public boolean cancel(String requestId) {
        boolean dropped = waiting.removeIf(queued -> queued.spec().requestId().equals(requestId));
        for (Iterator<VerifySequence> it = active.values().iterator(); it.hasNext(); ) {
            VerifySequence sequence = it.next();
            if (sequence.key().requestId().equals(requestId)) {
                decoder.remove(sequence.decoderId());
                it.remove();
                seats.release();
                dropped = true;
            }
        }
        dropped |= admissions.keySet().removeIf(key -> key.requestId().equals(requestId));
        dropped |= finished.removeIf(rollout -> rollout.requestId().equals(requestId));
        widths.forget(requestId);
        return dropped;
    }

    /** Finished rollouts since the last call, in finishing order; the engine forgets them. */
    public List<CompletedRollout> takeFinished() {
        List<CompletedRollout> taken = List.copyOf(finished);
        finished.clear();
        return taken;
    }

    @Override
    public void close() {
        decoder.close();
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + resource + ": " + e.getMessage(), e);
            }
        }
    }

    /** A submitted request waiting for room, with the prefixes its samples resume from. */
    private record Queued(RolloutSpec spec, Map<Integer, CommittedPrefix> resumed) {
    }

    private void complete(VerifySequence sequence) {
        decoder.remove(sequence.decoderId());
        finished.add(sequence.complete(tokenizer.decode(sequence.committed())));
        String requestId = sequence.key().requestId();
        if (active.keySet().stream().noneMatch(key -> key.requestId().equals(requestId))) {
            widths.forget(requestId);
        }
    }
}
