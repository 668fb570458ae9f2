package io.specstream.verify;

import io.specstream.draft.DraftTail;
import io.specstream.draft.SequenceKey;
import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.PrefilledGroup;
import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.TokenSampler;
import io.specstream.inference.text.TextTokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
    private final TokenSampler sampler = new TokenSampler();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Deque<RolloutSpec> waiting = new ArrayDeque<>();
    private final Map<SequenceKey, VerifySequence> active = new LinkedHashMap<>();
    private final Map<SequenceKey, StepOutcome> admissions = new LinkedHashMap<>();
    private final List<CompletedRollout> finished = new ArrayList<>();

    /** An engine on an open session and tokenizer, which the caller keeps and closes. */
    public VerifyEngine(DecoderSession session, TextTokenizer tokenizer, VerifyConfig config) {
        this.model = session.config();
        this.tokenizer = tokenizer;
        this.config = config;
        this.decoder = new BatchedDecoder(session);
        this.verifyStep = new VerifyStep(decoder, session.vocabSize(), config.maxDraftTokens(), config.maxTokensPerStep());
    }

    /** Opens the target model of {@code config}; the engine owns and closes the session and tokenizer. */
    public static VerifyEngine open(VerifyConfig config) {
        ModelDirectory directory = ModelDirectory.open(config.modelDir());
        DecoderSession session = DecoderSession.open(directory, config.inference());
        TextTokenizer tokenizer;
        try {
            tokenizer = TextTokenizer.open(directory.tokenizerFile());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        VerifyEngine engine = new VerifyEngine(session, tokenizer, config);
        engine.owned.add(tokenizer);
        engine.owned.add(session);
        return engine;
    }

    public ModelConfig model() {
        return model;
    }

    /** Queues a request; refuses one that cannot run on this model or can never fit the batch. */
    public void submit(RolloutSpec spec) {
        spec.checkAgainst(model);
        if (spec.samples() > config.maxBatchSequences()) {
            throw new IllegalArgumentException("request " + spec.requestId() + ": n_samples=" + spec.samples()
                    + " is not valid; allowed values: 1 to " + config.maxBatchSequences() + " (this verifier's "
                    + VerifyConfig.MAX_BATCH_SEQUENCES + "=" + config.maxBatchSequences() + ")");
        }
        waiting.add(spec);
    }

    /**
     * Admits waiting requests while their samples fit, in arrival order, and returns the keys that joined the batch
     * (samples finished by their very first token are reported as outcomes but not returned).
     */
    public List<SequenceKey> admit() {
        List<SequenceKey> joined = new ArrayList<>();
        while (!waiting.isEmpty() && active.size() + waiting.peek().samples() <= config.maxBatchSequences()) {
            RolloutSpec spec = waiting.poll();
            PrefilledGroup group = decoder.addGroup(spec.promptIds(), spec.samples());
            for (int s = 0; s < spec.samples(); s++) {
                SequenceKey key = new SequenceKey(spec.requestId(), s);
                VerifySequence sequence = new VerifySequence(key, group.sequences().get(s), spec,
                        new StopRule(model, spec, tokenizer::decode));
                Optional<FinishReason> finish = sequence.commit(
                        sampler.sample(group.lastLogits(), spec.sampling(), sequence.noiseAt(0)));
                admissions.put(key, new StepOutcome(key, 0, sequence.committed(), Optional.empty(), 0, 0, finish));
                if (finish.isPresent()) {
                    complete(sequence);
                } else {
                    active.put(key, sequence);
                    joined.add(key);
                }
            }
        }
        return joined;
    }

    /** How many sequences are in the batch now (no copy of their keys). */
    public int activeCount() {
        return active.size();
    }

    /** Sequences in the batch now, in admission order. */
    public List<SequenceKey> activeKeys() {
        return List.copyOf(active.keySet());
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
        boolean dropped = waiting.removeIf(spec -> spec.requestId().equals(requestId));
        for (Iterator<VerifySequence> it = active.values().iterator(); it.hasNext(); ) {
            VerifySequence sequence = it.next();
            if (sequence.key().requestId().equals(requestId)) {
                decoder.remove(sequence.decoderId());
                it.remove();
                dropped = true;
            }
        }
        dropped |= admissions.keySet().removeIf(key -> key.requestId().equals(requestId));
        dropped |= finished.removeIf(rollout -> rollout.requestId().equals(requestId));
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

    private void complete(VerifySequence sequence) {
        decoder.remove(sequence.decoderId());
        finished.add(sequence.complete(tokenizer.decode(sequence.committed())));
    }
}
