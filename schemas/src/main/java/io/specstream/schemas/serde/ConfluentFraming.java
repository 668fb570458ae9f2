package io.specstream.schemas.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: {@code [0x00][schema id, 4 bytes big-endian][Avro binary body]}.
 * E.g. schema id 7 with body {@code 02 61} is {@code 00 00 00 00 07 02 61}.
 */
final class ConfluentFraming {

    static final byte MAGIC_BYTE = 0x0;
    static final int HEADER_LENGTH = 5;

    private ConfluentFraming() {
    }

    static byte[] frame(int schemaId, byte[] body) {
        return ByteBuffer.allocate(HEADER_LENGTH + body.length).put(MAGIC_BYTE).putInt(schemaId).put(body).array();
    }

    /** The schema id of framed {@code data}; throws naming the problem when the framing is not ours. */
    static int schemaId(String topic, byte[] data) {
        if (data.length < HEADER_LENGTH) {
            throw new WireFormatException("Record on topic " + topic + " is too short: " + data.length
                    + " bytes, the Confluent wire format needs at least " + HEADER_LENGTH
                    + " (magic byte 0x00 + 4-byte schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new WireFormatException(String.format(
                    "Record on topic %s is not in the Confluent wire format: unknown magic byte 0x%02x, expected 0x00",
                    topic, data[0] & 0xff));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
