package io.specstream.verify.service;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which prompts partitions this verify instance owns, and what changes when that changes (the only place the step
 * thread waits for the I/O side). On assignment a partition is restored from its snapshots before its first prompt
 * and its hints are followed. On revocation what finished is handed off and committed first, then the requests
 * still running there are dropped (none of their rollouts is out and their offsets are uncommitted, so the new
 * owner reads them again and, decoding being deterministic, emits exactly what this instance would have). A lost
 * partition commits nothing: the group moved on without us.
 */
final class PartitionOwnership implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnership.class);

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final PromptAdmission admission;
    private final HintIntake hints;
    private final VerifyOutput output;
    private final Runnable completeFinished;
    private final Consumer<Collection<TopicPartition>> release;
    private final Runnable afterAssignment;

    PartitionOwnership(PromptAdmission admission, HintIntake hints, VerifyOutput output, Runnable completeFinished,
                       Consumer<Collection<TopicPartition>> release, Runnable afterAssignment) {
        this.admission = admission;
        this.hints = hints;
        this.output = output;
        this.completeFinished = completeFinished;
        this.release = release;
        this.afterAssignment = afterAssignment;
    }

    /** The partitions owned now (a snapshot; safe from any thread). */
    Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> admission.assigned(partition.partition()));
        hints.follow(partitions, true);
        partitions.forEach(partition -> owned.add(partition.partition()));
        LOG.info("prompts partitions owned: {}", new TreeSet<>(owned));
        afterAssignment.run();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            completeFinished.run();
            output.handOver(partitions, true);
            letGo(partitions);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        output.handOver(partitions, false);
        letGo(partitions);
    }

    private void letGo(Collection<TopicPartition> partitions) {
        release.accept(partitions);
        partitions.forEach(partition -> admission.released(partition.partition()));
        hints.follow(partitions, false);
        partitions.forEach(partition -> owned.remove(partition.partition()));
        LOG.info("prompts partitions owned: {}", new TreeSet<>(owned));
    }
}
