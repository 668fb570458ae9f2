package io.specstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.SampleRecords;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.testkit.TestRegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WireFormatTest {

    @RegisterExtension
    static final TestRegistryExtension REGISTRY = new TestRegistryExtension();

    private static SchemaRegistry registry;

    private final AvroSerde<RolloutRequest> serde = AvroSerde.of(RolloutRequest.class, registry);

    @BeforeAll
    static void connect() {
        registry = REGISTRY.client();
    }

    @Test
    void framingIsMagicByteThenBigEndianIdThenPlainAvroBinaryAsConfluentWritesIt() throws IOException {
        RolloutRequest request = SampleRecords.rolloutRequest();
        byte[] ours = serde.serialize("framing", request);
        int id = registry.idOf("framing-value", RolloutRequest.getClassSchema());

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(expected, null);
        new SpecificDatumWriter<>(RolloutRequest.class).write(request, encoder);
        encoder.flush();

        assertArrayEquals(expected.toByteArray(), ours);
    }

    @Test
    void unknownSchemaIdIsReportedWithTheId() {
        byte[] framedWithUnknownId = {0, 0, 0, 0x7f, (byte) 0xff, 2, 0x61};

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> serde.deserialize("prompts", framedWithUnknownId));

        assertTrue(e.getMessage().contains("Unknown schema id 32767"), e.getMessage());
    }

    @Test
    void truncatedRecordIsReportedAsTruncatedOrCorrupt() {
        byte[] whole = serde.serialize("truncation", SampleRecords.rolloutRequest());
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> serde.deserialize("truncation", truncated));

        assertTrue(e.getMessage().contains("Truncated or corrupt Avro body"), e.getMessage());
    }

    @Test
    void plainGarbageIsReportedWithItsMagicByte() {
        byte[] garbage = "hello, not avro".getBytes(StandardCharsets.UTF_8);

        WireFormatException e = assertThrows(WireFormatException.class, () -> serde.deserialize("prompts", garbage));

        assertTrue(e.getMessage().contains("unknown magic byte 0x68"), e.getMessage());
    }

    @Test
    void impossibleLengthAfterAValidHeaderIsReportedAsCorrupt() {
        int id = registry.register("lengths-value", RolloutRequest.getClassSchema());
        // request_id claims 2^31-1 bytes: Avro's own limit check must surface as our exception
        byte[] body = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> serde.deserialize("lengths", ConfluentFraming.frame(id, body)));

        assertTrue(e.getMessage().contains("Truncated or corrupt Avro body"), e.getMessage());
    }

    @Test
    void randomBodiesAfterAValidHeaderFailOnlyWithWireFormatException() {
        int id = registry.register("random-value", RolloutRequest.getClassSchema());
        Random random = new Random(20261122L);
        for (int i = 0; i < 2000; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            byte[] framed = ConfluentFraming.frame(id, body);
            try {
                serde.deserialize("random", framed);
            } catch (WireFormatException expected) {
                // the only acceptable failure
            } catch (RuntimeException other) {
                throw new AssertionError("body " + Arrays.toString(body) + " failed with " + other, other);
            }
        }
    }

    @Test
    void recordShorterThanTheHeaderIsReportedAsTooShort() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> serde.deserialize("prompts", new byte[] {0, 1}));

        assertTrue(e.getMessage().contains("too short: 2 bytes"), e.getMessage());
    }

    @Test
    void writerSchemaIncompatibleWithTheReaderIsReportedWithBothRecordNames() throws IOException {
        Schema unrelated = new Schema.Parser().parse("""
                {"type":"record","name":"Unrelated","namespace":"io.specstream.test",
                 "fields":[{"name":"x","type":"int"}]}""");
        int id = registry.register("unrelated-value", unrelated);
        GenericRecord record = new GenericData.Record(unrelated);
        record.put("x", 5);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(unrelated).write(record, encoder);
        encoder.flush();
        byte[] framed = ConfluentFraming.frame(id, body.toByteArray());

        WireFormatException e = assertThrows(WireFormatException.class, () -> serde.deserialize("unrelated", framed));

        assertTrue(e.getMessage().contains("io.specstream.test.Unrelated"), e.getMessage());
        assertTrue(e.getMessage().contains("io.specstream.schemas.avro.RolloutRequest"), e.getMessage());
    }
}
