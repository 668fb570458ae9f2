package io.specstream.topology.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import io.specstream.schemas.serde.AvroTrust;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain JSON ↔ Avro records, for people and scripts (JSONL files in, JSONL out). Unlike Avro's own JSON encoding,
 * nullable fields are written plainly ({@code "error": null} or {@code "error": "boom"}, not {@code {"string": ...}}),
 * missing fields take the schema's default, and unknown fields are refused.
 *
 * <p>Example, for RolloutRequest: {@code {"request_id": "r1", "prompt_text": "Q: 2 + 3?\n", "n_samples": 4}} gives a
 * request with every other field at its default (greedy, 256 new tokens, ...).
 */
public final class JsonRecordCodec {

    private final ObjectMapper mapper = new ObjectMapper();

    public JsonRecordCodec() {
        AvroTrust.trustGeneratedRecords();
    }

    public <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonRecordException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        Schema schema = SpecificData.get().getSchema(type);
        GenericRecord generic = (GenericRecord) toAvro(node, schema, "$");
        return toSpecific(generic, type);
    }

    public String toJson(SpecificRecord record) {
        return fromAvro(record, record.getSchema()).toString();
    }

    public JsonNode toJsonNode(SpecificRecord record) {
        return fromAvro(record, record.getSchema());
    }

    private Object toAvro(JsonNode node, Schema schema, String path) {
        return switch (schema.getType()) {
            case RECORD -> toRecord(node, schema, path);
            case UNION -> toUnion(node, schema, path);
            case ARRAY -> {
                require(node.isArray(), path, "an array", node);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    items.add(toAvro(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                yield items;
            }
            case MAP -> {
                require(node.isObject(), path, "an object", node);
                Map<String, Object> map = new HashMap<>();
                node.fields().forEachRemaining(entry ->
                        map.put(entry.getKey(), toAvro(entry.getValue(), schema.getValueType(), path + "." + entry.getKey())));
                yield map;
            }
            case ENUM -> {
                require(node.isTextual() && schema.getEnumSymbols().contains(node.asText()), path,
                        "one of " + schema.getEnumSymbols(), node);
                yield new GenericData.EnumSymbol(schema, node.asText());
            }
            case STRING -> {
                require(node.isTextual(), path, "a string", node);
                yield node.asText();
            }
            case INT -> {
                require(node.canConvertToInt() && node.isIntegralNumber(), path, "an int", node);
                yield node.intValue();
            }
            case LONG -> {
                require(node.isIntegralNumber() && node.canConvertToLong(), path, "a long", node);
                yield node.longValue();
            }
            case FLOAT -> {
                require(node.isNumber(), path, "a number", node);
                yield node.floatValue();
            }
            case DOUBLE -> {
                require(node.isNumber(), path, "a number", node);
                yield node.doubleValue();
            }
            case BOOLEAN -> {
                require(node.isBoolean(), path, "true or false", node);
                yield node.booleanValue();
            }
            case BYTES -> {
                require(node.isTextual(), path, "base64 text", node);
                yield ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
            }
            case NULL -> {
                require(node.isNull(), path, "null", node);
                yield null;
            }
            default -> throw new JsonRecordException(path + ": schema type " + schema.getType() + " is not supported");
        };
    }

    private GenericRecord toRecord(JsonNode node, Schema schema, String path) {
        require(node.isObject(), path, "an object of " + schema.getName(), node);
        GenericRecordBuilder builder = new GenericRecordBuilder(schema);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            Schema.Field field = schema.getField(name);
            if (field == null) {
                throw new JsonRecordException(path + ": unknown field '" + name + "' for " + schema.getName()
                        + "; fields are " + schema.getFields().stream().map(Schema.Field::name).toList());
            }
            builder.set(field, toAvro(node.get(name), field.schema(), path + "." + name));
        }
        for (Schema.Field field : schema.getFields()) {
            if (!node.has(field.name()) && !field.hasDefaultValue()) {
                throw new JsonRecordException(path + ": missing required field '" + field.name() + "' of "
                        + schema.getName());
            }
        }
        return builder.build();
    }

    /** Nullable fields: null picks the null branch, anything else the first branch that accepts it. */
    private Object toUnion(JsonNode node, Schema schema, String path) {
        if (node.isNull() && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
            return null;
        }
        List<String> tried = new ArrayList<>();
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return toAvro(node, branch, path);
            } catch (JsonRecordException e) {
                tried.add(e.getMessage());
            }
        }
        throw new JsonRecordException(path + ": fits no branch of " + schema + ": " + tried);
    }

    private JsonNode fromAvro(Object value, Schema schema) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (value == null) {
            return json.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord record = (GenericRecord) value;
                ObjectNode object = json.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), fromAvro(record.get(field.pos()), field.schema()));
                }
                yield object;
            }
            case UNION -> fromAvro(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
            case ARRAY -> {
                ArrayNode array = json.arrayNode();
                ((Collection<?>) value).forEach(item -> array.add(fromAvro(item, schema.getElementType())));
                yield array;
            }
            case MAP -> {
                ObjectNode object = json.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> object.set(k.toString(), fromAvro(v, schema.getValueType())));
                yield object;
            }
            case ENUM, STRING -> json.textNode(value.toString());
            case INT -> json.numberNode((Integer) value);
            case LONG -> json.numberNode((Long) value);
            case FLOAT -> json.numberNode((Float) value);
            case DOUBLE -> json.numberNode((Double) value);
            case BOOLEAN -> json.booleanNode((Boolean) value);
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield json.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            default -> throw new JsonRecordException("schema type " + schema.getType() + " is not supported");
        };
    }

    /** The specific class is filled through Avro's own binary path, so its defaults and conversions apply. */
    private static <T extends SpecificRecord> T toSpecific(GenericRecord generic, Class<T> type) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(generic.getSchema()).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<>(type)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void require(boolean ok, String path, String expected, JsonNode actual) {
        if (!ok) {
            throw new JsonRecordException(path + ": expected " + expected + ", got " + actual);
        }
    }
}
