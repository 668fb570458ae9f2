package io.specstream.topology.deadletter;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw records one at a time. A record that does not decode (not our framing, unknown schema id, truncated
 * Avro, another schema) goes to the dead letters and yields empty; the caller simply skips it. Decoding after
 * poll() rather than inside it is what keeps one bad record from stalling the partition forever.
 */
public final class RecordDecoder<V> {

    private final Deserializer<V> deserializer;
    private final DeadLetterPublisher deadLetters;

    public RecordDecoder(Deserializer<V> deserializer, DeadLetterPublisher deadLetters) {
        this.deserializer = deserializer;
        this.deadLetters = deadLetters;
    }

    public Optional<V> decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            deadLetters.publish(record, "record has no value (tombstone) where a value is required", null);
            return Optional.empty();
        }
        try {
            return Optional.of(deserializer.deserialize(record.topic(), record.value()));
        } catch (SerializationException e) {
            deadLetters.publish(record, "cannot decode value: " + e.getMessage(), e);
            return Optional.empty();
        }
    }
}
