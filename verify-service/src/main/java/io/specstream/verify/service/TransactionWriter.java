package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.contract.SequenceKey;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.metrics.KafkaClientMeters;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code verify-completions} thread's work: everything on the {@code sequences} changelog and the trainer's
 * {@code rollouts}, in transactions of the transactional producer ({@link PendingTransaction}). A transaction goes
 * out as soon as a completion, freed prompt offsets or tombstones are pending, and otherwise once the oldest progress
 * snapshot has waited {@value #SNAPSHOT_WAIT_MS} ms — a takeover resumes from a snapshot at most that much older.
 *
 * <p>A transaction the group refuses (a rebalance moved on, KIP-447 fencing) or that fails otherwise abortably is
 * aborted and everything in it is queued again for the next try, with the group's newest metadata; a commit that
 * timed out (the broker restarting) is retried as a commit. A transaction that stayed open past the producer's
 * {@code transaction.timeout.ms} (the broker was away that long) is aborted by the coordinator, which fences the
 * producer (or leaves it in a fatal state, so that it cannot even abort): a new producer takes over the
 * transactional id and everything in it is queued again. Fencing any sooner
 * means another instance runs with the same {@code --transactional-id}, and stops the thread, as authorization
 * errors do. A {@link Task.HandOver} — a rebalance — commits what is pending
 * first, then drops what is left of the partitions that leave (their new owner decodes those requests again).
 */
final class TransactionWriter implements OutputThread.Work<TransactionWriter.Task> {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionWriter.class);
    /** Longest a progress snapshot waits for a transaction of its own. */
    static final long SNAPSHOT_WAIT_MS = 200;
    /** How long an aborted transaction waits before it is tried again. */
    private static final long RETRY_MS = 100;
    /** The producer's {@code transaction.timeout.ms} when the client settings leave it out. */
    private static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

    /** What the step thread hands the completions thread. */
    sealed interface Task {
        record Snapshots(List<StepReport.Progress> due) implements Task {
        }

        record Completions(List<CompletedRequest> requests, Map<TopicPartition, OffsetAndMetadata> offsets)
                implements Task {
        }

        record Tombstones(int partition, List<SequenceKey> keys) implements Task {
        }

        /** Commit what is pending ({@code tryCommit}), then drop what is left of {@code partitions}. */
        record HandOver(Collection<TopicPartition> partitions, boolean tryCommit, CountDownLatch done)
                implements Task {
        }
    }

    private final Supplier<Producer<byte[], byte[]>> opening;
    private final String transactionalId;
    private final long transactionTimeoutNanos;
    private final KafkaClientMeters meters;
    private final LongSupplier nanoClock;
    private Producer<byte[], byte[]> producer;
    /** When the transaction in flight began, to tell a coordinator's timeout from a zombie's fencing. */
    private long beganAtNanos;
    private final PendingTransaction pending;
    private final Supplier<ConsumerGroupMetadata> group;
    private final VerifyMetrics metrics;
    private InFlight state = InFlight.NONE;
    private long retryAtNanos;

    /** Where the transaction in flight is: none, written and committing, or aborting. */
    private enum InFlight { NONE, COMMITTING, ABORTING }

    /** {@code nanoClock}: {@code System::nanoTime}, or a test's clock to make a transaction outlive its timeout. */
    TransactionWriter(ClientSettings settings, String transactionalId, OutputRecords records,
                      Supplier<ConsumerGroupMetadata> group, MeterRegistry meterRegistry, VerifyMetrics metrics,
                      LongSupplier nanoClock) {
        this(transactionalProducers(settings, transactionalId), transactionalId,
                transactionTimeoutMs(settings.producer()), records, group, meterRegistry, metrics, nanoClock);
    }

    /** {@code opening} makes each producer of {@code transactionalId} in turn: a new one replaces one that cannot go on. */
    TransactionWriter(Supplier<Producer<byte[], byte[]>> opening, String transactionalId, long transactionTimeoutMs,
                      OutputRecords records, Supplier<ConsumerGroupMetadata> group, MeterRegistry meterRegistry,
                      VerifyMetrics metrics, LongSupplier nanoClock) {
        this.opening = opening;
        this.transactionalId = transactionalId;
        this.transactionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(transactionTimeoutMs);
        this.meters = new KafkaClientMeters(meterRegistry);
        this.pending = new PendingTransaction(records);
        this.group = group;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        open();
    }

    private static Supplier<Producer<byte[], byte[]>> transactionalProducers(ClientSettings settings,
                                                                           String transactionalId) {
        Map<String, Object> config = settings.producer();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return () -> new KafkaProducer<>(config);
    }

    private static long transactionTimeoutMs(Map<String, Object> producerConfig) {
        return Long.parseLong(String.valueOf(
                producerConfig.getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS)));
    }

    /** Opens the producer, fencing whatever an earlier producer of the transactional id left open. */
    private void open() {
        producer = opening.get();
        meters.producer(producer);
        producer.initTransactions();
    }

    @Override
    public void round(List<Task> tasks) {
        long now = nanoClock.getAsLong();
        for (Task task : tasks) {
            if (task instanceof Task.Snapshots snapshots) {
                pending.snapshots(snapshots.due(), now);
            } else if (task instanceof Task.Completions completions) {
                pending.completed(completions.requests(), completions.offsets());
            } else if (task instanceof Task.Tombstones tombstones) {
                pending.tombstones(tombstones.partition(), tombstones.keys());
            } else if (task instanceof Task.HandOver handOver) {
                if (handOver.tryCommit()) {
                    commit();
                }
                pending.drop(handOver.partitions());
                handOver.done().countDown();
            }
        }
        if (nanoClock.getAsLong() >= retryAtNanos && (state != InFlight.NONE
                || pending.due(nanoClock.getAsLong(), TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_WAIT_MS)))) {
            commit();
        }
    }

    @Override
    public long idleMs() {
        if (state != InFlight.NONE) {
            return RETRY_MS;
        }
        if (pending.isEmpty()) {
            return 1_000;
        }
        long untilDue = pending.untilDue(nanoClock.getAsLong(), TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_WAIT_MS));
        return Math.max(1, Math.min(RETRY_MS, TimeUnit.NANOSECONDS.toMillis(untilDue)));
    }

    /**
     * Finishes the transaction in flight, if any, then commits what is queued in a new one. A commit that timed out
     * (the broker away) is retried as such — it may have gone through; a transaction that failed otherwise abortably
     * is aborted (retried too while the broker is away) and everything in it queued again. Fatal errors throw.
     */
    private void commit() {
        try {
            if (state == InFlight.ABORTING) {
                producer.abortTransaction();
                pending.aborted();
                state = InFlight.NONE;
            }
            if (state == InFlight.NONE && !pending.isEmpty()) {
                beganAtNanos = nanoClock.getAsLong();
                pending.write(producer, group.get());
                state = InFlight.COMMITTING;
            }
            if (state == InFlight.COMMITTING) {
                producer.commitTransaction();
                state = InFlight.NONE;
                metrics.rolloutsCommitted(pending.committed());
            }
        } catch (OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            throw e;
        } catch (TimeoutException e) {
            LOG.warn("a transaction with {} completed requests is still {}, will retry: {}", pending.requests(),
                    state == InFlight.COMMITTING ? "committing" : "open", e.getMessage());
            state = state == InFlight.COMMITTING ? InFlight.COMMITTING : InFlight.ABORTING;
            retryAtNanos = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
        } catch (KafkaException e) {
            if (fenced(e)) {
                takeOverFenced(e);
                return;
            }
            if (state == InFlight.ABORTING) {
                // the abort itself failed: the producer is in a fatal state, as when the coordinator aborted the
                // transaction (it outlived transaction.timeout.ms, the broker away) while this producer was committing
                // it — seen as "Cannot execute transactional method because we are in an error state" on every retry
                replaceProducer("could not be aborted (" + e.getMessage() + ")");
                return;
            }
            LOG.warn("a transaction with {} completed requests was not committed, will abort and retry: {}",
                    pending.requests(), e.getMessage());
            state = InFlight.ABORTING;
            retryAtNanos = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
        }
    }

    /** A fenced producer throws the fencing itself once, then a KafkaException caused by it. */
    private static boolean fenced(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * After the coordinator aborted a transaction that outlived {@code transaction.timeout.ms}, a new producer writes
     * it again; fencing any sooner came from another producer of the same transactional id.
     */
    private void takeOverFenced(KafkaException e) {
        if (!pending.inFlight() || nanoClock.getAsLong() - beganAtNanos < transactionTimeoutNanos) {
            throw new IllegalStateException("another verifier fenced transactional id '" + transactionalId
                    + "': each instance needs a --transactional-id of its own", e);
        }
        replaceProducer("outlived transaction.timeout.ms and was aborted by the coordinator");
    }

    /**
     * Closes a producer that cannot go on and opens a new one, whose {@code initTransactions} settles what the old one
     * left open; everything of the transaction in flight is queued again. Only for a transaction that did not commit:
     * a commit that went through answers its retry with success, never with an error.
     */
    private void replaceProducer(String why) {
        LOG.warn("a transaction with {} completed requests {}; a new producer writes it again", pending.requests(), why);
        meters.close();
        producer.close(Duration.ZERO);
        pending.aborted();
        state = InFlight.NONE;
        open();
    }

    /** Commits what is pending, once, then closes the producer. */
    @Override
    public void close() {
        try (meters) {
            commit();
        } finally {
            producer.close();
        }
    }
}
