package io.specstream.draft.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.specstream.contract.DraftTail;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the draft loop measures, as Micrometer meters: per drafter the chunks and draft tokens it published and the
 * draft lead — how far a published tail runs ahead of the verifier's last commit for its sequence — plus the time
 * spent drafting and the sequences followed. A drafter's meters are registered up front, so they read 0 before its
 * first chunk instead of being absent.
 *
 * <p>Called from the loop's thread only; the meters themselves may be read (scraped) from any thread.
 */
public final class DraftMetrics {

    public static final String TOKENS = "specstream.draft.tokens";
    public static final String CHUNKS = "specstream.draft.chunks";
    public static final String LEAD = "specstream.draft.lead";
    public static final String BUSY = "specstream.draft.busy";
    public static final String SEQUENCES = "specstream.draft.sequences";
    public static final String RESTORED = "specstream.draft.restored.sequences";
    public static final String POLICY_VERSION = "specstream.draft.policy.version";
    public static final String DRAFTER_TAG = "drafter";

    /** One drafter's meters. */
    private record DrafterMeters(Counter tokens, Counter chunks, DistributionSummary lead) {
    }

    private final MeterRegistry registry;
    private final Timer busy;
    private final AtomicInteger sequences = new AtomicInteger();
    private final AtomicLong policyVersion = new AtomicLong();
    private final Counter restored;
    private final Map<String, DrafterMeters> drafters = new HashMap<>();

    public DraftMetrics(MeterRegistry registry, Collection<String> drafterNames) {
        this.registry = registry;
        this.busy = Timer.builder(BUSY).description("Time spent drafting, per loop iteration").register(registry);
        Gauge.builder(SEQUENCES, sequences, AtomicInteger::get).description("Sequences followed")
                .strongReference(true).register(registry);
        this.restored = Counter.builder(RESTORED).description("Running sequences whose mirrors were rebuilt from "
                + "the sequences topic when their partition was assigned here").register(registry);
        Gauge.builder(POLICY_VERSION, policyVersion, AtomicLong::get).description("Policy version whose draft "
                + "models draft here (0: the models it started with)").strongReference(true).register(registry);
        drafterNames.forEach(this::of);
    }

    /** The draft models of policy version {@code version} draft from now on. */
    void draftModelsOf(long version) {
        policyVersion.set(version);
    }

    /**
     * A chunk published. Its tail starts at the last commit this loop applied for the sequence (the chunk's
     * {@code base_committed_length}), so the lead is the tail's length.
     */
    void published(DraftTail tail) {
        DrafterMeters meters = of(tail.drafter());
        int lead = tail.endPosition() - tail.startPosition();
        meters.tokens().increment(lead);
        meters.chunks().increment();
        meters.lead().record(lead);
    }

    /** One loop iteration's drafting took {@code nanos}. */
    void busy(long nanos) {
        busy.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code count} mirrors rebuilt from snapshots on an assignment. */
    void restored(int count) {
        restored.increment(count);
    }

    void following(int count) {
        sequences.set(count);
    }

    private DrafterMeters of(String drafter) {
        return drafters.computeIfAbsent(drafter, name -> new DrafterMeters(
                Counter.builder(TOKENS).description("Draft tokens published").tag(DRAFTER_TAG, name)
                        .register(registry),
                Counter.builder(CHUNKS).description("Draft chunks published").tag(DRAFTER_TAG, name)
                        .register(registry),
                DistributionSummary.builder(LEAD).description("Tokens a published tail runs ahead of the "
                        + "verifier's last commit").tag(DRAFTER_TAG, name).register(registry)));
    }
}
