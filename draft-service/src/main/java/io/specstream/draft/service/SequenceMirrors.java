package io.specstream.draft.service;

import io.specstream.contract.AssignmentBook;
import io.specstream.contract.DrafterPool;
import io.specstream.contract.RequestTerms;
import io.specstream.contract.SequenceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draft-service's view of every sequence of the partitions it owns, one {@link Mirror} each, and the drafters
 * following them ({@link DrafterPool}). A mirror's life:
 *
 * <pre>
 *   (commits before the prompt) early ──prompt or snapshot──► followed ──last commit / final snapshot──► gone
 *   (a final snapshot on rebuild) finished at offset o ──its prompt read again at o──► gone (not reopened)
 *   any state ──its partition is revoked──► gone
 * </pre>
 *
 * Example: commits (0, [5, 9]) of r1#0 arrive before r1's prompt → kept early; the prompt opens r1#0 in every
 * drafter and replays (0, [5, 9]); a commit that contradicts what the drafters were told drops the mirror (it lost
 * track of the truth); a final snapshot or the finishing commit forgets it.
 */
final class SequenceMirrors {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceMirrors.class);

    private enum State { EARLY, FOLLOWED, FINISHED }

    /** One sequence as this instance knows it. */
    private static final class Mirror {
        final int partition;
        State state;
        final List<Delta> early = new ArrayList<>();
        long finishedAtOffset = -1;

        Mirror(int partition, State state) {
            this.partition = partition;
            this.state = state;
        }
    }

    /** A verified delta: {@code tokens} at response positions {@code start, ...}. */
    record Delta(int start, int[] tokens, boolean finished) {
    }

    private final Map<SequenceKey, Mirror> mirrors = new HashMap<>();
    private final DrafterPool<TailSource> pool;
    private final AssignmentBook assignments;

    SequenceMirrors(DrafterPool<TailSource> pool, AssignmentBook assignments) {
        this.pool = pool;
        this.assignments = assignments;
    }

    /** The prompt of {@code key} was read at {@code offset}: open it, unless it is followed or known finished there. */
    void prompted(SequenceKey key, RequestTerms terms, int partition, long offset) {
        Mirror mirror = mirrors.get(key);
        if (mirror != null && mirror.state == State.FOLLOWED) {
            return;
        }
        if (mirror != null && mirror.state == State.FINISHED && mirror.finishedAtOffset == offset) {
            mirrors.remove(key);
            return;
        }
        open(key, terms, partition);
    }

    /** Opens {@code key} in every drafter and replays what came early; false if a drafter refused it. */
    boolean open(SequenceKey key, RequestTerms terms, int partition) {
        Mirror before = mirrors.remove(key);
        var refusal = pool.open(key, terms);
        if (refusal.isPresent()) {
            LOG.warn("cannot draft for {}: {}", key, refusal.get());
            return false;
        }
        mirrors.put(key, new Mirror(partition, State.FOLLOWED));
        if (before != null && before.state == State.EARLY) {
            before.early.forEach(delta -> committed(key, delta, partition));
        }
        return true;
    }

    /** A verified delta of {@code key}: applied if followed, kept until its prompt if not (unless it finishes). */
    void committed(SequenceKey key, Delta delta, int partition) {
        Mirror mirror = mirrors.get(key);
        if (mirror == null || mirror.state != State.FOLLOWED) {
            if (delta.finished()) {
                mirrors.remove(key);
            } else {
                mirrors.computeIfAbsent(key, k -> new Mirror(partition, State.EARLY)).early.add(delta);
            }
            return;
        }
        try {
            pool.committed(key, delta.start(), delta.tokens(), delta.finished());
        } catch (IllegalArgumentException e) {
            // a gap or a contradiction: this mirror lost track of the truth, so it stops drafting for the sequence
            LOG.warn("dropping {}: {}", key, e.getMessage());
            forget(key);
            return;
        }
        if (delta.finished()) {
            forget(key);
        }
    }

    /** The sequence's rollout is out (a final snapshot): it ends here, and is not reopened by its prompt at {@code offset}. */
    void finished(SequenceKey key, int partition, long offset) {
        forget(key);
        Mirror marker = new Mirror(partition, State.FINISHED);
        marker.finishedAtOffset = offset;
        mirrors.put(key, marker);
    }

    /** A final snapshot read live: the sequence ends here. */
    void ended(SequenceKey key) {
        forget(key);
    }

    boolean follows(SequenceKey key) {
        return pool.follows(key);
    }

    /** The followed sequences a drafter named {@code drafter} runs for, as the selector's assignments say. */
    List<SequenceKey> runFor(String drafter) {
        List<SequenceKey> keys = new ArrayList<>();
        for (SequenceKey key : pool.followed()) {
            if (assignments.runs(key.requestId(), drafter)) {
                keys.add(key);
            }
        }
        return keys;
    }

    int followed() {
        return pool.followed().size();
    }

    /** The partition the sequence was read from, for the draft batch it belongs in. */
    int partitionOf(SequenceKey key) {
        return mirrors.get(key).partition;
    }

    /** Forgets every sequence of the partitions numbered {@code partitions}: they moved to another instance. */
    void release(Set<Integer> partitions) {
        for (Iterator<Map.Entry<SequenceKey, Mirror>> it = mirrors.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SequenceKey, Mirror> entry = it.next();
            if (partitions.contains(entry.getValue().partition)) {
                pool.forget(entry.getKey());
                it.remove();
                forgetAssignmentIfLast(entry.getKey());
            }
        }
    }

    private void forget(SequenceKey key) {
        pool.forget(key);
        mirrors.remove(key);
        forgetAssignmentIfLast(key);
    }

    private void forgetAssignmentIfLast(SequenceKey key) {
        if (pool.followed().stream().noneMatch(other -> other.requestId().equals(key.requestId()))) {
            assignments.forget(key.requestId());
        }
    }
}
