package io.specstream.selector.stream;

import static io.specstream.selector.stream.AcceptanceEvents.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.specstream.selector.state.Choice;
import io.specstream.selector.state.RequestState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RequestStateSerdeTest {

    private final RequestStateSerde serde = new RequestStateSerde();

    @Test
    void aStateSurvivesTheRoundTripThroughItsChangelogBytes() {
        RequestState state = RequestState.empty()
                .recordAll(List.of(step("r1", 4).verified("ngram", 4, 3).alternative("suffix", 4, 1).sample(1, 4, true).build()),
                        0.9)
                .withEmitted(new Choice(List.of("ngram", "suffix"), "ngram", 6));

        byte[] bytes = serde.serializer().serialize("changelog", state);

        assertEquals(state, serde.deserializer().deserialize("changelog", bytes));
    }

    @Test
    void unreadableBytesAreReportedWithTheTopic() {
        SerializationException error = assertThrows(SerializationException.class, () -> serde.deserializer()
                .deserialize("selector-requests-changelog", "{not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(true, error.getMessage().contains("selector-requests-changelog"), error.getMessage());
    }
}
