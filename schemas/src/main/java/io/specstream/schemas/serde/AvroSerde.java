package io.specstream.schemas.serde;

import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka value serde for a generated Avro record, byte-compatible with Confluent's KafkaAvroSerializer:
 * the writer registers {@code <topic>-value} (TopicNameStrategy) and frames the body as
 * {@code 0x00 + schema id + Avro binary}; the reader fetches the writer schema by id and resolves it
 * to {@code T}'s schema, so records written with an older compatible schema read with defaults.
 *
 * <pre>{@code
 * AvroSerde<RolloutRequest> serde = AvroSerde.of(RolloutRequest.class, registry);
 * byte[] bytes = serde.serializer().serialize("prompts", request);
 * RolloutRequest back = serde.deserialize("prompts", bytes);
 * }</pre>
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaRegistry registry;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> schemaIdByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();

    private AvroSerde(Class<T> type, SchemaRegistry registry) {
        AvroTrust.trustGeneratedRecords();
        this.type = type;
        this.registry = registry;
        this.readerSchema = SpecificData.getForClass(type).getSchema(type);
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaRegistry registry) {
        return new AvroSerde<>(type, registry);
    }

    /** The schema {@code T} is written with and read into. */
    public Schema schema() {
        return readerSchema;
    }

    /** Confluent-framed Avro bytes of {@code record}; null stays null (a tombstone). */
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int schemaId = schemaIdByTopic.computeIfAbsent(topic, this::registerValueSchema);
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write " + type.getName() + " for topic " + topic + ": " + e, e);
        }
        return ConfluentFraming.frame(schemaId, body.toByteArray());
    }

    /** The record in {@code data}; null stays null. Throws {@link WireFormatException} naming the problem. */
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = ConfluentFraming.schemaId(topic, data);
        SpecificDatumReader<T> reader = readerByWriterId.computeIfAbsent(schemaId, id -> resolvingReader(topic, id));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentFraming.HEADER_LENGTH,
                data.length - ConfluentFraming.HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // Avro reports bad bytes with many exception types (EOF, limits, negative lengths, bad union index)
            throw new WireFormatException("Truncated or corrupt Avro body (" + (data.length - ConfluentFraming.HEADER_LENGTH)
                    + " bytes) for schema id " + schemaId + " on topic " + topic + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new WireFormatException("Corrupt Avro body for schema id " + schemaId + " on topic " + topic
                        + ": bytes left over after a complete " + type.getSimpleName());
            }
        } catch (IOException e) {
            throw new WireFormatException("Corrupt Avro body for schema id " + schemaId + " on topic " + topic, e);
        }
        return record;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    private int registerValueSchema(String topic) {
        return registry.register(topic + "-value", readerSchema);
    }

    private SpecificDatumReader<T> resolvingReader(String topic, int schemaId) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new WireFormatException("Unknown schema id " + schemaId + " in record on topic " + topic
                        + ": the registry has no such schema", e);
            }
            throw new WireFormatException("Could not fetch schema id " + schemaId + " for topic " + topic
                    + " from the registry: " + e.getMessage(), e);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new WireFormatException("Writer schema " + writerSchema.getFullName() + " (id " + schemaId
                    + ") on topic " + topic + " cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities());
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForClass(type));
    }
}
