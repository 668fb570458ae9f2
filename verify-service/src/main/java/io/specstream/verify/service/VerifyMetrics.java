package io.specstream.verify.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.specstream.verify.StepOutcome;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the verify loop measures, as Micrometer meters: per engine step its wall time, batch size, width (tokens fed per
 * sequence) and the tokens it committed, per drafter the draft tokens verified and accepted (the verified tail only; alternatives are the
 * selector's business) and per policy version the tokens committed and draft tokens verified and accepted, the time
 * spent waiting for prompts, rollouts committed and sequences running. Tokens/s is
 * {@code rate(specstream_verify_tokens_committed_total)}; acceptance of a drafter is accepted / proposed.
 *
 * <p>Called from the loop's thread only; the meters themselves may be read (scraped) from any thread.
 */
public final class VerifyMetrics {

    public static final String STEP = "specstream.verify.step";
    public static final String IDLE = "specstream.verify.idle";
    public static final String STEPS = "specstream.verify.steps";
    public static final String BATCH_SIZE = "specstream.verify.batch.size";
    public static final String STEP_WIDTH = "specstream.verify.step.width";
    public static final String TOKENS_COMMITTED = "specstream.verify.tokens.committed";
    public static final String STEPS_DRAFTED = "specstream.verify.steps.drafted";
    public static final String SEQUENCE_STEPS = "specstream.verify.sequence.steps";
    public static final String DRAFT_PROPOSED = "specstream.verify.draft.proposed";
    public static final String DRAFT_ACCEPTED = "specstream.verify.draft.accepted";
    public static final String DRAFT_TAILS = "specstream.verify.draft.tails";
    public static final String ROLLOUTS = "specstream.verify.rollouts";
    public static final String ACTIVE_SEQUENCES = "specstream.verify.active.sequences";
    public static final String RESTORED_SEQUENCES = "specstream.verify.restored.sequences";
    public static final String RESTORED_TOKENS = "specstream.verify.restored.tokens";
    public static final String ALREADY_FINISHED = "specstream.verify.requests.already.finished";
    public static final String TIME = "specstream.verify.time";
    public static final String POLICY_TOKENS = "specstream.verify.policy.tokens.committed";
    public static final String POLICY_DRAFT_PROPOSED = "specstream.verify.policy.draft.proposed";
    public static final String POLICY_DRAFT_ACCEPTED = "specstream.verify.policy.draft.accepted";
    public static final String DRAFTER_TAG = "drafter";
    public static final String POLICY_TAG = "policy";
    public static final String PHASE_TAG = "phase";

    private final MeterRegistry registry;
    private final Timer step;
    private final Timer idle;
    private final Counter steps;
    private final DistributionSummary batchSize;
    private final DistributionSummary width;
    private final Counter tokensCommitted;
    private final Counter stepsDrafted;
    private final Counter sequenceSteps;
    private final Counter rollouts;
    private final Counter restoredSequences;
    private final Counter restoredTokens;
    private final Counter alreadyFinished;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, Counter> proposed = new HashMap<>();
    private final Map<String, Counter> accepted = new HashMap<>();
    private final Map<String, Counter> tails = new HashMap<>();
    private final Map<VerifierPhase, Counter> time = new EnumMap<>(VerifierPhase.class);
    private final Map<Long, PolicyCounters> perPolicy = new HashMap<>();

    public VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.step = Timer.builder(STEP).description("Wall time of one engine step: drafting in the verifier, "
                + "the batched forward and acceptance").register(registry);
        this.idle = Timer.builder(IDLE).description("Time the verifier waited for prompts with no work")
                .register(registry);
        this.steps = Counter.builder(STEPS).description("Engine steps").register(registry);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE).description("Sequences per engine step")
                .register(registry);
        this.width = DistributionSummary.builder(STEP_WIDTH)
                .description("Tokens fed per sequence in one engine step (1: plain decoding), as the controller chose")
                .register(registry);
        this.tokensCommitted = Counter.builder(TOKENS_COMMITTED)
                .description("Tokens committed over all sequences; its rate is tokens/s").register(registry);
        this.stepsDrafted = Counter.builder(STEPS_DRAFTED).description("Sequence-steps that verified a draft")
                .register(registry);
        this.sequenceSteps = Counter.builder(SEQUENCE_STEPS).description("Sequence-steps in total")
                .register(registry);
        this.rollouts = Counter.builder(ROLLOUTS).description("Rollouts committed (transactions that went through)")
                .register(registry);
        this.restoredSequences = Counter.builder(RESTORED_SEQUENCES)
                .description("Sequences resumed from a snapshot on the sequences topic after a partition moved here")
                .register(registry);
        this.restoredTokens = Counter.builder(RESTORED_TOKENS)
                .description("Committed tokens those snapshots carried: tokens not decoded again").register(registry);
        this.alreadyFinished = Counter.builder(ALREADY_FINISHED)
                .description("Prompts read again after a partition moved whose rollouts were already out: skipped")
                .register(registry);
        Gauge.builder(ACTIVE_SEQUENCES, active, AtomicInteger::get).description("Sequences in the engine's batch")
                .strongReference(true).register(registry);
        for (VerifierPhase phase : VerifierPhase.values()) {
            time.put(phase, Counter.builder(TIME).baseUnit("seconds").tag(PHASE_TAG, phase.tag())
                    .description("Wall time of the verifier's step thread, by phase").register(registry));
        }
    }

    /** A usable tail of draft-service's {@code drafter} reached the step thread, for a sequence running or to come. */
    void tailReceived(String drafter) {
        tails.computeIfAbsent(drafter, name -> Counter.builder(DRAFT_TAILS).tag(DRAFTER_TAG, name)
                .description("Usable draft-service tails the step thread received, per drafter").register(registry))
                .increment();
    }

    /** {@code nanos} of the step thread's wall time went to {@code phase}. */
    void spent(VerifierPhase phase, long nanos) {
        time.get(phase).increment(nanos / 1e9);
    }

    /**
     * One engine step, {@code stepWidth} tokens wide, that took {@code nanos} and gave {@code outcomes};
     * {@code activeAfter} sequences run on; {@code policyOf} tells the policy version decoding a request, so that
     * acceptance after a policy change shows per version.
     */
    void stepped(List<StepOutcome> outcomes, long nanos, int activeAfter, int stepWidth,
                 ToLongFunction<String> policyOf) {
        step.record(nanos, TimeUnit.NANOSECONDS);
        steps.increment();
        batchSize.record(outcomes.size());
        width.record(stepWidth);
        sequenceSteps.increment(outcomes.size());
        for (StepOutcome outcome : outcomes) {
            tokensCommitted.increment(outcome.tokens().length);
            PolicyCounters policy = perPolicy.computeIfAbsent(policyOf.applyAsLong(outcome.key().requestId()),
                    this::policyCounters);
            policy.tokens.increment(outcome.tokens().length);
            if (outcome.drafter().isPresent() && outcome.proposed() > 0) {
                String drafter = outcome.drafter().get();
                policy.proposed.increment(outcome.proposed());
                policy.accepted.increment(outcome.accepted());
                stepsDrafted.increment();
                perDrafter(proposed, DRAFT_PROPOSED, "Draft tokens verified", drafter).increment(outcome.proposed());
                perDrafter(accepted, DRAFT_ACCEPTED, "Draft tokens accepted", drafter).increment(outcome.accepted());
            }
        }
        active.set(activeAfter);
    }

    /** A wait of {@code nanos} for prompts while the engine had nothing to do. */
    void idled(long nanos) {
        idle.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A transaction with {@code count} rollouts committed. */
    void rolloutsCommitted(int count) {
        rollouts.increment(count);
    }

    /** A request resumed with {@code sequences} samples that carried {@code tokens} committed tokens in all. */
    void restored(int sequences, int tokens) {
        restoredSequences.increment(sequences);
        restoredTokens.increment(tokens);
    }

    /** A prompt read again whose final snapshots say its rollouts are out. */
    void alreadyFinished() {
        alreadyFinished.increment();
    }

    /** The batch changed outside a step (requests handed over on a rebalance). */
    void activeSequences(int count) {
        active.set(count);
    }

    private PolicyCounters policyCounters(long version) {
        String tag = String.valueOf(version);
        return new PolicyCounters(
                Counter.builder(POLICY_TOKENS).description("Tokens committed by sequences of one policy version")
                        .tag(POLICY_TAG, tag).register(registry),
                Counter.builder(POLICY_DRAFT_PROPOSED).description("Draft tokens verified for one policy version")
                        .tag(POLICY_TAG, tag).register(registry),
                Counter.builder(POLICY_DRAFT_ACCEPTED).description("Draft tokens accepted for one policy version")
                        .tag(POLICY_TAG, tag).register(registry));
    }

    /** Per policy version: tokens committed, draft tokens verified and accepted (every drafter together). */
    private record PolicyCounters(Counter tokens, Counter proposed, Counter accepted) {
    }

    private Counter perDrafter(Map<String, Counter> counters, String name, String description, String drafter) {
        return counters.computeIfAbsent(drafter, d -> Counter.builder(name).description(description)
                .tag(DRAFTER_TAG, d).register(registry));
    }
}
