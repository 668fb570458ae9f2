package io.specstream.topology.deadletter;

import io.specstream.schemas.avro.DeadLetter;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a record that could not be used to the dead-letters topic with where it came from and why, keyed by the
 * original key, so operators can find it and the consumer can move on (DESIGN.md, invariant 6).
 */
public final class DeadLetterPublisher {

    private final Producer<byte[], byte[]> producer;
    private final Serializer<DeadLetter> serializer;
    private final String topic;
    private final Clock clock;

    public DeadLetterPublisher(Producer<byte[], byte[]> producer, Serializer<DeadLetter> serializer,
                               TopicCatalogue catalogue, Clock clock) {
        this.producer = producer;
        this.serializer = serializer;
        this.topic = catalogue.name(Topics.DEAD_LETTERS);
        this.clock = clock;
    }

    public void publish(ConsumerRecord<byte[], byte[]> original, String reason, Throwable error) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalTopic(original.topic())
                .setOriginalPartition(original.partition())
                .setOriginalOffset(original.offset())
                .setOriginalKey(original.key() == null ? null : ByteBuffer.wrap(original.key()))
                .setOriginalValue(original.value() == null ? null : ByteBuffer.wrap(original.value()))
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setFailedAtMs(clock.millis())
                .build();
        producer.send(new ProducerRecord<>(topic, original.key(), serializer.serialize(topic, letter)));
    }
}
