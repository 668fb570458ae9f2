package io.specstream.verify.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.RolloutSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code verify-completions} thread fenced on the real broker: by the coordinator after its transaction outlived
 * {@code transaction.timeout.ms} (a broker away that long), which a new producer rides out, or by another producer of
 * the same transactional id, which stops it. The fencing itself is done here by a second producer; the test's clock
 * says how long the fenced transaction had been open. A producer left unable to abort — a state the broker produces
 * only under a race with its own timeout — is played by the client library's MockProducer.
 */
class TransactionWriterTest {

    /** Rounds a writer gets to notice the fencing: an abortable error first, then the fencing itself. */
    private static final int ROUNDS = 4;

    private static PipelineFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aTransactionThatOutlivedItsTimeoutIsWrittenAgainByANewProducer() {
        TopicCatalogue topics = fixture.freshTopics();
        String transactionalId = "verify-" + UUID.randomUUID();
        // each look at the clock a minute later: a transaction's commit comes past the 60 s default timeout
        try (TransactionWriter writer = writer(topics, transactionalId, TimeUnit.MINUTES.toNanos(1))) {
            writer.round(List.of(snapshot("before")));
            fence(transactionalId);
            writer.round(List.of(snapshot("fenced")));
            for (int round = 0; round < ROUNDS; round++) {
                writer.round(List.of());
            }
        }

        assertEquals(List.of("before#0", "fenced#0"), fixture.snapshots(topics).stream()
                .map(ConsumerRecord::key).toList(), "every snapshot committed once, the fenced one by the new producer");
    }

    @Test
    void anotherProducerOfItsTransactionalIdStopsItWithAMessageNamingTheOption() {
        TopicCatalogue topics = fixture.freshTopics();
        String transactionalId = "verify-" + UUID.randomUUID();
        // each look at the clock 100 ms later: rounds retry and snapshots fall due, well inside the timeout
        try (TransactionWriter writer = writer(topics, transactionalId, TimeUnit.MILLISECONDS.toNanos(100))) {
            writer.round(List.of(snapshot("before")));
            fence(transactionalId);

            IllegalStateException stopped = assertThrows(IllegalStateException.class, () -> {
                writer.round(List.of(snapshot("fenced")));
                for (int round = 0; round < ROUNDS; round++) {
                    writer.round(List.of());
                }
            });

            assertTrue(stopped.getMessage().contains("--transactional-id"), stopped.getMessage());
        } catch (IllegalStateException closing) {
            // close commits once more, and is fenced again: the thread stops either way
        }
        assertEquals(List.of("before#0"), fixture.snapshots(topics).stream().map(ConsumerRecord::key).toList(),
                "nothing of the fenced writer committed after the fencing");
    }

    @Test
    void aProducerThatCannotEvenAbortIsReplacedAndItsTransactionWrittenAgain() {
        // as the real broker left it after a restart (CrashRecoveryTest): the coordinator had aborted the transaction
        // while this producer was committing it, the retried commit failed, and the producer could not abort either
        MockProducer<byte[], byte[]> stuck = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        stuck.commitTransactionException = new InvalidTxnStateException("the coordinator aborted the transaction");
        stuck.abortTransactionException = new KafkaException(
                "Cannot execute transactional method because we are in an error state");
        MockProducer<byte[], byte[]> next = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        Iterator<MockProducer<byte[], byte[]>> producers = List.of(stuck, next).iterator();

        try (TransactionWriter writer = writer(producers::next, TimeUnit.MILLISECONDS.toNanos(100))) {
            writer.round(List.of(snapshot("stuck")));
            for (int round = 0; round < ROUNDS; round++) {
                writer.round(List.of());
            }
        }

        assertTrue(stuck.closed() && stuck.history().isEmpty(), "nothing committed through the stuck producer");
        assertEquals(List.of("stuck#0"), next.history().stream()
                .map(record -> new String(record.key(), StandardCharsets.UTF_8)).toList(),
                "the transaction written again, once, by the next producer");
    }

    /** A writer whose clock moves {@code tickNanos} at each reading. */
    private static TransactionWriter writer(TopicCatalogue topics, String transactionalId, long tickNanos) {
        AtomicLong now = new AtomicLong();
        OutputRecords records = new OutputRecords(topics, fixture.registry(), Clock.systemUTC());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new TransactionWriter(fixture.settings(), transactionalId, records,
                () -> new ConsumerGroupMetadata("verify-" + UUID.randomUUID()), meters, new VerifyMetrics(meters),
                () -> now.addAndGet(tickNanos));
    }

    /** As above, over the producers {@code producers} makes, with the default 60 s transaction timeout. */
    private static TransactionWriter writer(Supplier<? extends Producer<byte[], byte[]>> producers, long tickNanos) {
        AtomicLong now = new AtomicLong();
        OutputRecords records = new OutputRecords(fixture.freshTopics(), fixture.registry(), Clock.systemUTC());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new TransactionWriter(producers::get, "verify-" + UUID.randomUUID(), TimeUnit.MINUTES.toMillis(1),
                records, () -> new ConsumerGroupMetadata("verify-" + UUID.randomUUID()), meters,
                new VerifyMetrics(meters), () -> now.addAndGet(tickNanos));
    }

    /** What another verifier started with the same transactional id does first. */
    private static void fence(String transactionalId) {
        Map<String, Object> config = fixture.settings().producer();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(config)) {
            other.initTransactions();
        }
    }

    private static TransactionWriter.Task snapshot(String requestId) {
        RolloutSpec spec = RolloutSpec.greedy(requestId, new int[] {1, 2}, 1, 8);
        Admission admission = new Admission(RolloutRequest.newBuilder().setRequestId(requestId).setNSamples(1)
                .build(), spec, 0, new TopicPartition("prompts", 0), 0, 0);
        return new TransactionWriter.Task.Snapshots(List.of(new StepReport.Progress(admission,
                new SequenceKey(requestId, 0), new CommittedPrefix(new int[] {3}, new double[] {-0.1},
                        new double[] {-0.1}))));
    }
}
