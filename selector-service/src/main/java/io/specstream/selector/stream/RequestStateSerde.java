package io.specstream.selector.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.selector.state.RequestState;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link RequestState} as JSON for the per-request store and its changelog, readable by people inspecting the
 * changelog topic, e.g. {@code {"drafters":{"ngram":{"weight":1.9,"acceptedSum":5.7,...}},"finishedSamples":[0],
 * "groupSize":4,"emitted":{"drafters":["ngram"],"primary":"ngram","k":4}}}.
 */
public final class RequestStateSerde implements Serde<RequestState> {

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public Serializer<RequestState> serializer() {
        return (topic, state) -> {
            if (state == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(state);
            } catch (JsonProcessingException e) {
                throw new SerializationException("cannot write the selector state for topic " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<RequestState> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return mapper.readValue(bytes, RequestState.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read the selector state from topic " + topic + ": "
                        + e.getMessage(), e);
            }
        };
    }
}
