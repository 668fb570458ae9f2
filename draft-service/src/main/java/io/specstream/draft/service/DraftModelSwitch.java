package io.specstream.draft.service;

import io.specstream.draft.ModelDrafter;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.schemas.avro.PolicyVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Draft-service following policy versions: when the newest version published names draft models
 * ({@code draft_model_dirs}, one per model drafter here, in the order of {@code --draft-model-dir}), they are loaded
 * on the policy feed's thread and swapped in on the draft loop's, between rounds ({@link ModelDrafter#useModel}).
 * Drafts are hints, so whichever version's draft model drafts for a request, its rollouts are the target's; a
 * version naming no draft models, or a different number of them, leaves the models as they are (logged).
 *
 * <p>Example: started with draft-small and draft-tiny; version 3 names {@code /policies/v3/draft-small} and
 * {@code /policies/v3/draft-tiny} → both drafters draft with those from the next round; version 4 naming none keeps
 * them.
 */
public final class DraftModelSwitch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DraftModelSwitch.class);

    private final List<ModelDrafter> drafters;
    private final InferenceOptions inference;
    /** The newest version naming draft models (feed thread; read by {@link #loadNewest} on the same thread). */
    private PolicyVersion newest;
    private long considered;
    private final AtomicReference<Loaded> pending = new AtomicReference<>();
    /** Sessions of the version drafting now, if this object opened them (loop thread). */
    private Loaded active;
    private volatile long appliedVersion;

    /** A switch for {@code drafters}, loading their new models with {@code inference}. */
    public DraftModelSwitch(List<ModelDrafter> drafters, InferenceOptions inference) {
        this.drafters = List.copyOf(drafters);
        this.inference = inference;
    }

    /** A version was published (feed thread, or the loop's while it catches up). */
    void published(PolicyVersion version) {
        if (!version.getDraftModelDirs().isEmpty() && (newest == null || version.getVersion() > newest.getVersion())) {
            newest = version;
        }
    }

    /** Loads the newest version's draft models if not done yet (feed thread, after each poll). */
    void loadNewest() {
        if (newest == null || newest.getVersion() <= considered) {
            return;
        }
        considered = newest.getVersion();
        List<String> dirs = newest.getDraftModelDirs();
        if (dirs.size() != drafters.size()) {
            LOG.warn("policy version {} names {} draft models ({}), this draft instance runs {}: keeping its models",
                    considered, dirs.size(), dirs, drafters.size());
            return;
        }
        List<DecoderSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < dirs.size(); i++) {
                sessions.add(DecoderSession.open(ModelDirectory.open(Path.of(dirs.get(i))), inference));
                if (sessions.get(i).vocabSize() != drafters.get(i).vocabSize()) {
                    throw new IllegalArgumentException(dirs.get(i) + " has a vocabulary of " + sessions.get(i)
                            .vocabSize() + " tokens, the target's has " + drafters.get(i).vocabSize());
                }
            }
        } catch (RuntimeException e) {
            sessions.forEach(DecoderSession::close);
            LOG.warn("policy version {}: its draft models cannot be loaded, keeping the models drafting now: {}",
                    considered, e.getMessage());
            return;
        }
        Loaded replaced = pending.getAndSet(new Loaded(considered, sessions));
        if (replaced != null) {
            replaced.close(); // loaded, never used: a newer version came first
        }
    }

    /** Swaps in the draft models loaded since the last call (loop thread, between rounds); true if it did. */
    boolean apply() {
        Loaded loaded = pending.getAndSet(null);
        if (loaded == null) {
            return false;
        }
        for (int i = 0; i < drafters.size(); i++) {
            drafters.get(i).useModel(loaded.sessions().get(i)); // vocabularies checked when loaded
        }
        if (active != null) {
            active.close();
        }
        active = loaded;
        appliedVersion = loaded.version();
        LOG.info("draft models of policy version {} drafting", appliedVersion);
        return true;
    }

    /** The policy version whose draft models draft now; 0 while they are those this instance started with. */
    public long appliedVersion() {
        return appliedVersion;
    }

    /** Closes the sessions it opened; call once the draft loop and its drafters have stopped. */
    @Override
    public void close() {
        Loaded unused = pending.getAndSet(null);
        if (unused != null) {
            unused.close();
        }
        if (active != null) {
            active.close();
        }
    }

    private record Loaded(long version, List<DecoderSession> sessions) {
        void close() {
            sessions.forEach(DecoderSession::close);
        }
    }
}
