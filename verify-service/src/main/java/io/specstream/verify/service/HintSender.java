package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.metrics.KafkaClientMeters;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.List;

/**
 * The {@code verify-hints} thread's work: each round's steps as one commit batch and one acceptance batch per
 * partition ({@link StepBatches}), on the plain producer. Never waits for a transaction, so a drafter hears of a
 * commit one send after the step, however long the completions thread takes. Its producer, thread-safe, also
 * carries the step thread's dead letters (rare: bad input).
 */
final class HintSender implements OutputThread.Work<StepReport> {

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMeters meters;
    private final StepBatches batches;
    private final DeadLetterPublisher deadLetters;

    HintSender(ClientSettings settings, OutputRecords records, Publication publication, MeterRegistry meterRegistry) {
        this.producer = new KafkaProducer<>(settings.producer());
        this.meters = new KafkaClientMeters(meterRegistry).producer(producer);
        this.batches = new StepBatches(records, publication);
        this.deadLetters = records.deadLetters(producer);
    }

    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    @Override
    public void round(List<StepReport> steps) {
        steps.forEach(batches::add);
        batches.send(producer);
    }

    @Override
    public long idleMs() {
        return 1_000;
    }

    @Override
    public void close() {
        try (meters) {
            producer.close();
        }
    }
}
