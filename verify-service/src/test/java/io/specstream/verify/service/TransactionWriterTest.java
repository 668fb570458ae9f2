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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code verify-completions} thread fenced on the real broker: by the coordinator after its transaction outlived
 * {@code transaction.timeout.ms} (a broker away that long), which a new producer rides out, or by another producer of
 * the same transactional id, which stops it. The fencing itself is done here by a second producer; the test's clock
 * says how long the fenced transaction had been open.
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

    /** A writer whose clock moves {@code tickNanos} at each reading. */
    private static TransactionWriter writer(TopicCatalogue topics, String transactionalId, long tickNanos) {
        AtomicLong now = new AtomicLong();
        OutputRecords records = new OutputRecords(topics, fixture.registry(), Clock.systemUTC());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new TransactionWriter(fixture.settings(), transactionalId, records,
                () -> new ConsumerGroupMetadata("verify-" + UUID.randomUUID()), meters, new VerifyMetrics(meters),
                () -> now.addAndGet(tickNanos));
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
                .build(), spec, new TopicPartition("prompts", 0), 0, 0);
        return new TransactionWriter.Task.Snapshots(List.of(new StepReport.Progress(admission,
                new SequenceKey(requestId, 0), new CommittedPrefix(new int[] {3}, new double[] {-0.1},
                        new double[] {-0.1}))));
    }
}
