package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code verify-hints} records on the real broker: the commits, for draft-service, together every 5 ms at most;
 * the acceptance events, which only the selector reads, together every 20 ms at most.
 */
class StepBatchesTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

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
    void acceptanceEventsGoOutTogetherOnceTwentyMillisecondsPassed() {
        TopicCatalogue topics = fixture.freshTopics();
        StepBatches batches = batchesFrom(0, topics, new Publication(true, true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            draftedStepAndSend(batches, producer, 0, 1 * MS);
            assertEquals(OptionalLong.of(19), batches.dueInMs(1 * MS), "the first event waits 19 ms more");
            draftedStepAndSend(batches, producer, 1, 12 * MS);
            draftedStepAndSend(batches, producer, 2, 21 * MS);
            assertEquals(OptionalLong.empty(), batches.dueInMs(21 * MS), "nothing waits once they went out");
            draftedStepAndSend(batches, producer, 3, 30 * MS);
            producer.flush();
        }

        List<CommitBatch> commits = read(topics, Topics.COMMITS, 4);
        List<AcceptanceBatch> acceptance = read(topics, Topics.ACCEPTANCE, 1);

        assertEquals(4, commits.size(), "a commit batch per round: the rounds are 5 ms apart or more");
        assertEquals(1, acceptance.size(), "one acceptance batch: the fourth step's event still waits");
        assertEquals(List.of(1, 2, 3), acceptance.get(0).getEvents().stream()
                .map(AcceptanceEvent::getCommittedLength).toList(), "the first three steps' events in one batch, in order");
        assertEquals(OptionalLong.of(11), batches.dueInMs(30 * MS), "the fourth waits for the next window");
    }

    @Test
    void aWindowHoldsOneEventPerRequestOfTheStepsThatJudgedNoDraftAndEveryOneThatDid() {
        TopicCatalogue topics = fixture.freshTopics();
        StepBatches batches = batchesFrom(0, topics, new Publication(false, true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            stepAndSend(batches, producer, 0, 1 * MS);
            draftedStepAndSend(batches, producer, 1, 2 * MS);
            stepAndSend(batches, producer, 2, 3 * MS);
            draftedStepAndSend(batches, producer, 3, 4 * MS);
            stepAndSend(batches, producer, 4, 21 * MS);
            stepAndSend(batches, producer, 5, 22 * MS);
            batches.sendAll(producer);
            producer.flush();
        }

        List<AcceptanceBatch> acceptance = read(topics, Topics.ACCEPTANCE, 2);

        assertEquals(List.of(List.of(1, 2, 4), List.of(6)), acceptance.stream().map(batch -> batch.getEvents().stream()
                        .map(AcceptanceEvent::getCommittedLength).toList()).toList(),
                "per window the request's first event and those of the steps that judged a draft");
    }

    @Test
    void commitsWithinFiveMillisecondsOfTheLastSendGoOutAsOneBatchInStepOrder() {
        TopicCatalogue topics = fixture.freshTopics();
        StepBatches batches = batchesFrom(0, topics, new Publication(true, false));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            stepAndSend(batches, producer, 0, 0);
            assertEquals(OptionalLong.empty(), batches.dueInMs(0), "the first step's commit went out at once");
            stepAndSend(batches, producer, 1, 1 * MS);
            stepAndSend(batches, producer, 2, 2 * MS);
            assertEquals(OptionalLong.of(3), batches.dueInMs(2 * MS), "the second and third wait until 5 ms");
            stepAndSend(batches, producer, 3, 6 * MS);
            producer.flush();
        }

        List<CommitBatch> commits = read(topics, Topics.COMMITS, 2);

        assertEquals(2, commits.size(), "the first step alone, then the next three together");
        assertEquals(List.of(8, 9, 10), commits.get(1).getUpdates().stream().map(update -> update.getTokens().get(0))
                .toList(), "the waiting steps' deltas in step order");
    }

    @Test
    void commitsStillWaitingGoOutWhenTheThreadCloses() {
        TopicCatalogue topics = fixture.freshTopics();
        StepBatches batches = batchesFrom(0, topics, new Publication(true, true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            stepAndSend(batches, producer, 0, 0);
            stepAndSend(batches, producer, 1, 1 * MS);
            batches.sendAll(producer);
            assertEquals(OptionalLong.empty(), batches.dueInMs(1 * MS), "nothing waits after sendAll");
            producer.flush();
        }

        assertEquals(2, read(topics, Topics.COMMITS, 2).size(), "the held-back second step's commit was sent too");
        assertEquals(1, read(topics, Topics.ACCEPTANCE, 1).size(), "and the acceptance event waiting");
    }

    /** The step that commits token 7 + {@code position} at {@code position}, then a send at {@code nowNanos}. */
    private static void stepAndSend(StepBatches batches, Producer<byte[], byte[]> producer, int position,
                                    long nowNanos) {
        batches.add(step(position, 7 + position));
        batches.send(producer, nowNanos);
    }

    /** As {@link #stepAndSend}, the step having verified a one-token draft of draft-small, accepted. */
    private static void draftedStepAndSend(StepBatches batches, Producer<byte[], byte[]> producer, int position,
                                           long nowNanos) {
        batches.add(step(position, 7 + position, Optional.of("draft-small")));
        batches.send(producer, nowNanos);
    }

    private static StepBatches batchesFrom(long nowNanos, TopicCatalogue topics, Publication publication) {
        return new StepBatches(new OutputRecords(topics, fixture.registry(), Clock.systemUTC()), publication, nowNanos);
    }

    private static StepReport step(int position, int token) {
        return step(position, token, Optional.empty());
    }

    private static StepReport step(int position, int token, Optional<String> drafter) {
        RolloutSpec spec = RolloutSpec.greedy("r1", new int[] {5, 7}, 1, 32);
        Admission admission = new Admission(RolloutRequest.newBuilder().setRequestId("r1").setPromptText("Q").build(),
                spec, 0, new TopicPartition("prompts", 0), 0, 0);
        StepOutcome outcome = new StepOutcome(new SequenceKey("r1", 0), position, new int[] {token}, drafter,
                drafter.isPresent() ? 1 : 0, drafter.isPresent() ? 1 : 0, Optional.empty());
        return new StepReport(0, 100, 1, List.of(new StepReport.Sequence(admission, outcome, Map.of())), List.of());
    }

    /** At least {@code count} values of {@code spec}'s topic, in order. */
    private static <V> List<V> read(TopicCatalogue topics, TopicSpec<String, V> spec, int count) {
        Map<String, Object> config = new HashMap<>(fixture.settings().kafkaCommon());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                spec.valueSerde(fixture.registry()).deserializer())) {
            consumer.subscribe(List.of(topics.name(spec)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // anything more that was sent would be in the same fetches: one more short poll to see it
            consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        }
        return values;
    }
}
