package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.verify.CommittedPrefix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the {@code sequences} topic says of the requests in prompts partitions this instance has just taken over,
 * matched to the prompt records as the consumer reads them again from the committed offset (DESIGN invariant 5).
 *
 * <p>Example, partition 0 holds: r1#0 (prompt offset 4, 40 tokens), r1#1 (offset 4, 32 tokens), r2#0 and r2#1
 * (offset 5, finished). Reading prompt r1 at offset 4 resumes sample 0 after 40 tokens and sample 1 after 32;
 * r2 at offset 5 is skipped, its rollouts went out in the transaction that wrote those final snapshots (the offset
 * commit waits for offset 4); r1 sent again at offset 9 matches nothing and starts afresh.
 *
 * <p>Snapshots are read in partition order, so a later one of a sequence replaces an earlier one.
 */
final class RestoredRequests {

    /**
     * A request as the snapshots left it: finished (rollouts out), or the prefixes its samples had committed under
     * policy version {@code policyVersion}.
     */
    record RestoredRequest(boolean finished, Map<Integer, CommittedPrefix> prefixes, long policyVersion) {
        RestoredRequest {
            prefixes = Map.copyOf(prefixes);
        }
    }

    private final Map<Integer, Map<Long, Entry>> byPartition = new HashMap<>();

    /** Takes in one snapshot read from the {@code sequences} partition numbered {@code partition}. */
    void add(int partition, SequenceSnapshot snapshot) {
        if (snapshot.getPromptOffset() < 0) {
            return; // not tied to a prompt record: nothing to match it with
        }
        Entry entry = byPartition.computeIfAbsent(partition, p -> new HashMap<>())
                .computeIfAbsent(snapshot.getPromptOffset(), offset -> new Entry(snapshot.getRequestId()));
        if (!entry.requestId.equals(snapshot.getRequestId())) {
            return; // another request at the same offset: a recreated topic; the prompt record will tell
        }
        entry.samples.add(snapshot.getSampleIndex());
        entry.policyVersion = snapshot.getPolicyVersion();
        if (snapshot.getFinished()) {
            entry.finished = true;
            return;
        }
        try {
            entry.prefixes.put(snapshot.getSampleIndex(), prefixOf(snapshot));
        } catch (IllegalArgumentException e) {
            entry.prefixes.remove(snapshot.getSampleIndex()); // log-probs do not match the tokens: start afresh
        }
    }

    /** What is known of the request {@code requestId} read at {@code offset}; forgotten once taken. */
    Optional<RestoredRequest> take(int partition, long offset, String requestId) {
        Map<Long, Entry> entries = byPartition.get(partition);
        Entry entry = entries == null ? null : entries.get(offset);
        if (entry == null || !entry.requestId.equals(requestId)) {
            return Optional.empty();
        }
        entries.remove(offset);
        return Optional.of(new RestoredRequest(entry.finished, entry.finished ? Map.of() : entry.prefixes,
                entry.policyVersion));
    }

    /**
     * The sequences of requests before {@code offset}, the first prompt read again from the partition: the committed
     * position has passed them, so their snapshots are of no use to anyone any more; forgotten here.
     */
    List<SequenceKey> passed(int partition, long offset) {
        Map<Long, Entry> entries = byPartition.getOrDefault(partition, Map.of());
        List<SequenceKey> keys = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Entry> next = it.next();
            if (next.getKey() < offset) {
                next.getValue().samples.forEach(sample -> keys.add(new SequenceKey(next.getValue().requestId, sample)));
                it.remove();
            }
        }
        return keys;
    }

    /** The partition moved away: what was read of it no longer applies here. */
    void forget(int partition) {
        byPartition.remove(partition);
    }

    private static CommittedPrefix prefixOf(SequenceSnapshot snapshot) {
        return new CommittedPrefix(snapshot.getCommittedTokenIds().stream().mapToInt(Integer::intValue).toArray(),
                doubles(snapshot.getLogprobs()), doubles(snapshot.getScaledLogprobs()));
    }

    private static double[] doubles(List<Float> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static final class Entry {
        final String requestId;
        final Map<Integer, CommittedPrefix> prefixes = new HashMap<>();
        final Set<Integer> samples = new TreeSet<>();
        boolean finished;
        long policyVersion;

        Entry(String requestId) {
            this.requestId = requestId;
        }
    }
}
