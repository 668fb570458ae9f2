package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.metrics.KafkaClientMeters;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.List;

/**
 * The {@code verify-hints} thread's work: the steps' commits as one commit batch per partition at most every 5 ms,
 * and the acceptance events of the last 20 ms or so as one acceptance batch per partition ({@link StepBatches}), on
 * the plain producer. Never waits for a transaction, so a drafter hears of a commit within 5 ms of the step, however
 * long the completions thread takes. Its producer, thread-safe, also carries the step thread's dead letters (rare:
 * bad input).
 */
final class HintSender implements OutputThread.Work<StepReport> {

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMeters meters;
    private final StepBatches batches;
    private final DeadLetterPublisher deadLetters;

    HintSender(ClientSettings settings, OutputRecords records, Publication publication, MeterRegistry meterRegistry) {
        this.producer = new KafkaProducer<>(settings.producer());
        this.meters = new KafkaClientMeters(meterRegistry).producer(producer);
        this.batches = new StepBatches(records, publication, System.nanoTime());
        this.deadLetters = records.deadLetters(producer);
    }

    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    @Override
    public void round(List<StepReport> steps) {
        steps.forEach(batches::add);
        batches.send(producer, System.nanoTime());
    }

    /** Back as soon as waiting commits or acceptance events are due, so that none is held back past its window. */
    @Override
    public long idleMs() {
        return batches.dueInMs(System.nanoTime()).orElse(1_000);
    }

    @Override
    public void close() {
        try (meters) {
            batches.sendAll(producer);
            producer.close();
        }
    }
}
