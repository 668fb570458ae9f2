package io.specstream.verify.policy;

import io.specstream.contract.SequenceKey;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.DraftCandidates;
import io.specstream.verify.DrafterCost;
import io.specstream.verify.EngineTime;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;
import io.specstream.verify.VerifyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The verifier's engines, one per live policy version, over one shared batch capacity ({@link
 * io.specstream.verify.BatchSeats}). A request is decoded wholly by one version; versions load in the background
 * while the others keep decoding.
 *
 * <p>Which versions are kept: the newest {@link PolicyConfig#livePolicies()} of those published (version 0, the
 * verifier's own model, counts as published first). A kept version is loaded as soon as it is known; a loaded version
 * that is no longer kept retires — takes no new request, and is closed once its running ones finish. Example with
 * two live versions: v1 and v2 decode; v3 is published and loads in the background; once loaded, a request naming
 * none goes to v3, one naming v2 still runs, one naming v1 is refused as retired, and v1 closes after its tail.
 * A sequence resumed from a snapshot (a takeover) runs under the version it began with, which is loaded again
 * for it if need be.
 *
 * <p>Step thread only, except {@link #published} and {@link #status}, which any thread may call.
 */
public final class PolicyEngines implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngines.class);

    private final PolicyConfig config;
    private final VerifyEngine base;
    private final NavigableMap<Long, PolicySlot> slots = new TreeMap<>();
    private final Queue<PolicyModel> published = new ConcurrentLinkedQueue<>();
    private final Queue<LoadResult> loads = new ConcurrentLinkedQueue<>();
    /** Its one thread is started with this object, so it takes the creating thread's CPU affinity, not a pinned one's. */
    private final ThreadPoolExecutor loader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "policy-loader");
                thread.setDaemon(true);
                return thread;
            });
    /** The engines of the loaded versions, oldest first: what every step goes through, kept apart from the slots. */
    private List<VerifyEngine> loaded = List.of();
    private EngineTime closedTime = new EngineTime(0, 0);
    private int lastStepWidth = 1;
    /** Whether step widths are prepared ahead ({@link #prepareStepWidths}): then each version is as it loads. */
    private volatile boolean prepareWidths;
    private volatile PolicyStatusView status;

    /**
     * Engines whose version 0 is {@code base} (the caller keeps and closes it); later versions open with base's
     * settings on their own model directories and take places from base's seats.
     */
    public PolicyEngines(VerifyEngine base, PolicyConfig config) {
        this.config = config;
        this.base = base;
        PolicySlot initial = new PolicySlot(new PolicyModel(0, base.config().modelDir()));
        initial.engine = base;
        slots.put(0L, initial);
        loader.prestartCoreThread();
        slotsChanged();
    }

    /** Opens {@code model} like {@code base}; its tokenizer must be base's, since prompts are encoded once. */
    private static VerifyEngine open(VerifyEngine base, PolicyModel model) {
        ModelDirectory directory = ModelDirectory.open(model.modelDir());
        try {
            byte[] own = Files.readAllBytes(directory.tokenizerFile());
            byte[] verifiers = Files.readAllBytes(ModelDirectory.open(base.config().modelDir()).tokenizerFile());
            if (!Arrays.equals(own, verifiers)) {
                throw new IllegalArgumentException("its tokenizer.json differs from the verifier's (" + base.config()
                        .modelDir() + "); every version must keep the tokenizer prompts are encoded with");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a tokenizer.json: " + e.getMessage(), e);
        }
        return VerifyEngine.open(base.config().withModelDir(model.modelDir()), base.seats());
    }

    /** A version was published (any thread): it is taken in at the next {@link #refresh}. */
    public void published(PolicyModel model) {
        published.add(model);
    }

    /** What this verifier has loaded, loads and failed to load (any thread). */
    public PolicyStatusView status() {
        return status;
    }

    /**
     * Takes in what was published and loaded since the last call, starts loading kept versions, and closes retired
     * versions with nothing left to decode. Called at the top of each loop iteration, before requests are routed, so
     * that a version loaded for a waiting request is used before it could retire.
     */
    public void refresh() {
        boolean changed = retireIdle();
        for (PolicyModel model; (model = published.poll()) != null; ) {
            changed |= take(model);
        }
        for (LoadResult result; (result = loads.poll()) != null; ) {
            PolicySlot slot = slots.get(result.version());
            slot.loading = false;
            slot.engine = result.engine();
            slot.owned = true;
            slot.failure = result.failure();
            changed = true;
        }
        for (long version : kept()) {
            changed |= loadIfNeeded(slots.get(version));
        }
        if (changed) {
            slotsChanged();
        }
    }

    /** Slots changed: the list of loaded engines and the status follow. */
    private void slotsChanged() {
        List<VerifyEngine> engines = new ArrayList<>(slots.size());
        for (PolicySlot slot : slots.values()) {
            if (slot.engine != null) {
                engines.add(slot.engine);
            }
        }
        loaded = List.copyOf(engines);
        status = view();
    }

    private boolean take(PolicyModel model) {
        PolicySlot known = slots.get(model.version());
        if (known == null) {
            slots.put(model.version(), new PolicySlot(model));
            LOG.info("policy version {} published: {}", model.version(), model.modelDir());
            return true;
        }
        if (!known.model.equals(model)) {
            LOG.warn("policy version {} was published again with model directory {}; a version never changes, so "
                    + "this verifier keeps {}", model.version(), model.modelDir(), known.model.modelDir());
        }
        return false;
    }

    private boolean loadIfNeeded(PolicySlot slot) {
        if (slot.engine != null || slot.loading || slot.failure != null) {
            return false;
        }
        slot.loading = true;
        PolicyModel model = slot.model;
        loader.execute(() -> {
            long started = System.nanoTime();
            try {
                VerifyEngine engine = open(base, model);
                if (prepareWidths) {
                    engine.prepareStepWidths();
                }
                LOG.info("policy version {} loaded from {} in {} ms", model.version(), model.modelDir(),
                        (System.nanoTime() - started) / 1_000_000);
                loads.add(new LoadResult(model.version(), engine, null));
            } catch (RuntimeException e) {
                LOG.warn("policy version {} cannot be loaded from {}: {}", model.version(), model.modelDir(),
                        e.getMessage());
                loads.add(new LoadResult(model.version(), null, "cannot load " + model.modelDir() + ": "
                        + e.getMessage()));
            }
        });
        return true;
    }

    private boolean retireIdle() {
        if (slots.size() <= config.livePolicies()) {
            return false; // every version is kept: the common case, checked every loop iteration
        }
        List<Long> kept = kept();
        boolean changed = false;
        for (PolicySlot slot : slots.values()) {
            if (slot.engine != null && !kept.contains(slot.model.version()) && !slot.engine.hasWork()) {
                closedTime = closedTime.plus(slot.engine.time());
                if (slot.owned) {
                    slot.engine.close();
                }
                LOG.info("policy version {} retired", slot.model.version());
                slot.engine = null;
                slot.owned = false;
                changed = true;
            }
        }
        return changed;
    }

    /** The newest versions published, oldest first, as many as are live. */
    private List<Long> kept() {
        List<Long> newest = new ArrayList<>(config.livePolicies());
        for (long version : slots.descendingKeySet()) {
            if (newest.size() == config.livePolicies()) {
                break;
            }
            newest.add(0, version);
        }
        return newest;
    }

    /**
     * Which version decodes a request that names {@code named} (0 = none: the newest loaded), or, for a request
     * whose sequences resume from snapshots, the version {@code resumed} they began with.
     */
    public PolicyRoute route(long named, OptionalLong resumed) {
        if (resumed.isPresent()) {
            return routeResumed(resumed.getAsLong());
        }
        if (named == 0) {
            OptionalLong newest = newestLoaded();
            return newest.isPresent() ? new PolicyRoute.Ready(newest.getAsLong())
                    : new PolicyRoute.Wait("no policy version is loaded yet (" + describe() + ")");
        }
        List<Long> kept = kept();
        if (kept.contains(named)) {
            PolicySlot slot = slots.get(named);
            if (slot.engine != null) {
                return new PolicyRoute.Ready(named);
            }
            return slot.failure != null
                    ? new PolicyRoute.Refused("policy version " + named + " " + slot.failure)
                    : new PolicyRoute.Wait("policy version " + named + " is loading (" + describe() + ")");
        }
        if (named < kept.get(0)) {
            return new PolicyRoute.Refused("policy version " + named + " is retired: this verifier keeps the newest "
                    + config.livePolicies() + " (" + PolicyConfig.LIVE_POLICIES + "), versions " + versions(kept));
        }
        return new PolicyRoute.Wait("policy version " + named + " is not published (" + describe() + ")");
    }

    private PolicyRoute routeResumed(long version) {
        PolicySlot slot = slots.get(version);
        if (slot == null) {
            return new PolicyRoute.Wait("policy version " + version + ", which the resumed sequences began with, is "
                    + "not published (" + describe() + ")");
        }
        if (slot.engine != null) {
            return new PolicyRoute.Ready(version);
        }
        if (slot.failure != null) {
            return new PolicyRoute.Refused("policy version " + version + ", which the resumed sequences began with, "
                    + slot.failure);
        }
        if (loadIfNeeded(slot)) {
            slotsChanged();
        }
        return new PolicyRoute.Wait("policy version " + version + " is loading for resumed sequences");
    }

    private String describe() {
        return "versions published " + versions(List.copyOf(slots.keySet())) + ", loaded "
                + versions(status.loaded()) + ", loading " + versions(status.loading());
    }

    private static String versions(List<Long> versions) {
        return versions.isEmpty() ? "none" : versions.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** Queues {@code spec} on {@code version}'s engine (a {@link PolicyRoute.Ready} one), resuming {@code resumed}. */
    public void submit(long version, RolloutSpec spec, Map<Integer, CommittedPrefix> resumed) {
        PolicySlot slot = slots.get(version);
        if (slot == null || slot.engine == null) {
            throw new IllegalStateException("policy version " + version + " is not loaded");
        }
        slot.engine.submit(spec, resumed);
    }

    /** Admits what fits in every version's batch, oldest version first (its tail is what a trainer waits for). */
    public List<SequenceKey> admit() {
        List<SequenceKey> joined = new ArrayList<>();
        for (VerifyEngine engine : loaded) {
            joined.addAll(engine.admit());
        }
        return joined;
    }

    /** One step of every version with work: a forward each; the outcomes of all. */
    public List<StepOutcome> stepChoosing(Function<SequenceKey, DraftCandidates> drafts) {
        List<StepOutcome> outcomes = new ArrayList<>();
        int width = 1;
        for (VerifyEngine engine : loaded) {
            if (engine.hasWork()) {
                outcomes.addAll(engine.stepChoosing(drafts));
                width = Math.max(width, engine.lastStepWidth());
            }
        }
        lastStepWidth = width;
        return outcomes;
    }

    public List<SequenceKey> activeKeys() {
        List<SequenceKey> keys = new ArrayList<>();
        loaded.forEach(engine -> keys.addAll(engine.activeKeys()));
        return keys;
    }

    public int activeCount() {
        int count = 0;
        for (VerifyEngine engine : loaded) {
            count += engine.activeCount();
        }
        return count;
    }

    public boolean hasWork() {
        for (VerifyEngine engine : loaded) {
            if (engine.hasWork()) {
                return true;
            }
        }
        return false;
    }

    public boolean hasWaiting() {
        for (VerifyEngine engine : loaded) {
            if (engine.hasWaiting()) {
                return true;
            }
        }
        return false;
    }

    /** The widest step of the last {@link #stepChoosing}, over its versions. */
    public int lastStepWidth() {
        return lastStepWidth;
    }

    public Optional<CommittedPrefix> progress(SequenceKey key) {
        for (VerifyEngine engine : loaded) {
            Optional<CommittedPrefix> prefix = engine.progress(key);
            if (prefix.isPresent()) {
                return prefix;
            }
        }
        return Optional.empty();
    }

    public List<CompletedRollout> takeFinished() {
        List<CompletedRollout> finished = new ArrayList<>();
        loaded.forEach(engine -> finished.addAll(engine.takeFinished()));
        return finished;
    }

    /** Forgets a request in whichever version runs it (a rebalance moved it away). */
    public boolean cancel(String requestId) {
        boolean dropped = false;
        for (VerifyEngine engine : loaded) {
            dropped |= engine.cancel(requestId);
        }
        return dropped;
    }

    /** Prefill and forward time of every version, retired ones included. */
    public EngineTime time() {
        EngineTime total = closedTime;
        for (VerifyEngine engine : loaded) {
            total = total.plus(engine.time());
        }
        return total;
    }

    /**
     * Gets every loaded version's step widths ready (the goodput controller's calibration, about a second); versions
     * loaded later get theirs on the loader thread, so a switch never stalls a step (the table is refined online from
     * the step thread's own timings).
     */
    public void prepareStepWidths() {
        prepareWidths = true;
        loaded.forEach(VerifyEngine::prepareStepWidths);
    }

    /** As {@link VerifyEngine#plannedDraftTokens}, the most any version with sequences wants. */
    public int plannedDraftTokens(String drafter, int cap, DrafterCost cost) {
        int tokens = 0;
        for (VerifyEngine engine : loaded) {
            if (engine.activeCount() > 0) {
                tokens = Math.max(tokens, engine.plannedDraftTokens(drafter, cap, cost));
            }
        }
        return tokens;
    }

    public void draftsOffered(String drafter, int asked, int usable) {
        loaded.forEach(engine -> engine.draftsOffered(drafter, asked, usable));
    }

    private PolicyStatusView view() {
        List<Long> loaded = new ArrayList<>();
        List<Long> loading = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        slots.forEach((version, slot) -> {
            if (slot.engine != null) {
                loaded.add(version);
            }
            if (slot.loading) {
                loading.add(version);
            }
            if (slot.failure != null) {
                failed.add(version + ": " + slot.failure);
            }
        });
        return new PolicyStatusView(loaded, newestLoaded(), loading, failed);
    }

    /** The version a request naming none is decoded by: the newest kept one that is loaded. */
    private OptionalLong newestLoaded() {
        List<Long> kept = kept();
        for (int i = kept.size() - 1; i >= 0; i--) {
            if (slots.get(kept.get(i)).engine != null) {
                return OptionalLong.of(kept.get(i));
            }
        }
        return OptionalLong.empty();
    }

    /** Closes every version this object loaded (not {@code base}, the caller's); stops loading. */
    @Override
    public void close() {
        loader.shutdownNow();
        try {
            loader.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LoadResult result; (result = loads.poll()) != null; ) {
            if (result.engine() != null) {
                result.engine().close();
            }
        }
        for (PolicySlot slot : slots.values()) {
            if (slot.owned && slot.engine != null) {
                slot.engine.close();
            }
            slot.engine = null;
        }
    }

    /** One version on this verifier: what was published, and its engine while loaded. Step thread only. */
    private static final class PolicySlot {
        final PolicyModel model;
        VerifyEngine engine;
        /** Whether this object opened the engine (and so closes it); base's belongs to the caller. */
        boolean owned;
        boolean loading;
        String failure;

        PolicySlot(PolicyModel model) {
            this.model = model;
        }
    }

    private record LoadResult(long version, VerifyEngine engine, String failure) {
    }
}
