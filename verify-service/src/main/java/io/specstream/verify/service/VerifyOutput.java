package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.contract.SequenceKey;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The verifier's I/O side: two threads that own the producers, so the step thread only decodes and hands over
 * immutable values, and never waits for serialization, sends, flushes or transactions.
 * <ul>
 *   <li>{@code verify-hints} ({@link HintSender}): per round of steps one commit batch and one acceptance batch per
 *       partition, where a consumer needs them ({@link Publication}); fast, never behind a transaction.</li>
 *   <li>{@code verify-completions} ({@link TransactionWriter}): progress snapshots, and per batch of completed
 *       requests their rollouts, final snapshots and the prompt offsets they free — all in transactions (DESIGN
 *       invariant 5).</li>
 * </ul>
 * Both start before the step thread pins itself, so their producers' threads are not pinned with it.
 */
final class VerifyOutput implements AutoCloseable {

    private final OutputThread<StepReport> hints;
    private final OutputThread<TransactionWriter.Task> transactions;
    private final DeadLetterPublisher deadLetters;
    private final Publication publication;
    private final AtomicReference<ConsumerGroupMetadata> group;

    private VerifyOutput(OutputThread<StepReport> hints, DeadLetterPublisher deadLetters,
                         OutputThread<TransactionWriter.Task> transactions, Publication publication,
                         AtomicReference<ConsumerGroupMetadata> group) {
        this.hints = hints;
        this.transactions = transactions;
        this.deadLetters = deadLetters;
        this.publication = publication;
        this.group = group;
    }

    static VerifyOutput start(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry,
                              String transactionalId, Publication publication, MeterRegistry meterRegistry,
                              VerifyMetrics metrics) {
        OutputRecords records = new OutputRecords(catalogue, registry, Clock.systemUTC());
        AtomicReference<ConsumerGroupMetadata> group = new AtomicReference<>();
        AtomicReference<HintSender> sender = new AtomicReference<>();
        OutputThread<StepReport> hints = OutputThread.start("verify-hints", () -> {
            sender.set(new HintSender(settings, records, publication, meterRegistry));
            return sender.get();
        });
        try {
            OutputThread<TransactionWriter.Task> transactions = OutputThread.start("verify-completions",
                    () -> new TransactionWriter(settings, transactionalId, records, group::get, meterRegistry,
                            metrics, System::nanoTime));
            return new VerifyOutput(hints, sender.get().deadLetters(), transactions, publication, group);
        } catch (RuntimeException e) {
            hints.close();
            throw e;
        }
    }

    /** For bad input the step thread finds: the hints producer is thread-safe and dead letters are rare. */
    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    /** The prompts consumer's group metadata after its latest poll: what transactions commit offsets under. */
    void groupMetadata(ConsumerGroupMetadata metadata) {
        group.set(metadata);
    }

    void step(StepReport report) {
        if (!report.outcomes().isEmpty() && publication.anyPerStep()) {
            hints.add(report);
        }
        if (!report.snapshots().isEmpty()) {
            transactions.add(new TransactionWriter.Task.Snapshots(report.snapshots()));
        }
    }

    /** Requests whose every sample finished, and prompt positions that became committable (either may be empty). */
    void complete(List<CompletedRequest> requests, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!requests.isEmpty() || !offsets.isEmpty()) {
            transactions.add(new TransactionWriter.Task.Completions(requests, offsets));
        }
    }

    /** Deletes the snapshots of {@code keys} from {@code sequences} partition {@code partition}. */
    void tombstone(int partition, List<SequenceKey> keys) {
        if (!keys.isEmpty()) {
            transactions.add(new TransactionWriter.Task.Tombstones(partition, keys));
        }
    }

    /**
     * Blocks until everything handed over before has been tried — with {@code tryCommit}, pending completions
     * committed where the group still allows it — and what is left of {@code partitions} dropped.
     */
    void handOver(Collection<TopicPartition> partitions, boolean tryCommit) {
        CountDownLatch done = new CountDownLatch(1);
        transactions.add(new TransactionWriter.Task.HandOver(Set.copyOf(partitions), tryCommit, done));
        try {
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing partitions over", e);
        }
    }

    /** Throws what stopped either thread, if anything did. */
    void rethrowFailure() {
        transactions.rethrowFailure();
        hints.rethrowFailure();
    }

    /** Sends and commits what is pending, then closes both producers. */
    @Override
    public void close() {
        try (hints) {
            transactions.close();
        }
    }
}
