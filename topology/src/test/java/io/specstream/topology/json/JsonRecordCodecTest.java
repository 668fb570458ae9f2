package io.specstream.topology.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.schemas.avro.RolloutRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordCodecTest {

    private final JsonRecordCodec codec = new JsonRecordCodec();

    @Test
    void absentFieldsTakeTheSchemaDefaults() {
        RolloutRequest request = codec.fromJson("{\"request_id\": \"r1\", \"prompt_text\": \"Q: 2 + 3?\\n\"}",
                RolloutRequest.class);

        assertEquals("r1", request.getRequestId());
        assertEquals(1, request.getNSamples());
        assertEquals(0.0f, request.getTemperature());
        assertEquals(List.of(), request.getStopTokenIds());
    }

    @Test
    void nullableFieldsAreWrittenPlainly() throws Exception {
        RolloutRequest request = codec.fromJson("{\"request_id\": \"r2\", \"prompt_token_ids\": [5, 6, 7]}",
                RolloutRequest.class);

        var json = new ObjectMapper().readTree(codec.toJson(request));

        assertTrue(json.get("prompt_text").isNull());
        assertEquals(3, json.get("prompt_token_ids").size());
        assertNull(request.getPromptText());
    }

    @Test
    void jsonRoundTripGivesTheSameRecord() {
        RolloutRequest request = codec.fromJson("{\"request_id\": \"r3\", \"prompt_text\": \"Q\", \"n_samples\": 4,"
                + " \"temperature\": 1.0, \"top_p\": 0.9, \"top_k\": 20, \"seed\": 7, \"stop_strings\": [\"\\n\\n\"],"
                + " \"metadata\": {\"group_id\": \"g1\"}}", RolloutRequest.class);

        assertEquals(request, codec.fromJson(codec.toJson(request), RolloutRequest.class));
    }

    @Test
    void unknownFieldIsRefusedByName() {
        var error = assertThrows(JsonRecordException.class,
                () -> codec.fromJson("{\"request_id\": \"r4\", \"prompt\": \"Q\"}", RolloutRequest.class));
        assertTrue(error.getMessage().contains("unknown field 'prompt'"), error.getMessage());
    }

    @Test
    void missingRequiredFieldIsRefusedByName() {
        var error = assertThrows(JsonRecordException.class,
                () -> codec.fromJson("{\"prompt_text\": \"Q\"}", RolloutRequest.class));
        assertTrue(error.getMessage().contains("missing required field 'request_id'"), error.getMessage());
    }

    @Test
    void wrongTypeNamesThePathAndTheExpectedType() {
        var error = assertThrows(JsonRecordException.class,
                () -> codec.fromJson("{\"request_id\": \"r5\", \"n_samples\": \"four\"}", RolloutRequest.class));
        assertTrue(error.getMessage().contains("$.n_samples: expected an int"), error.getMessage());
    }
}
