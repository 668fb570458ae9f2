package io.specstream.selector.stream;

import static io.specstream.selector.stream.AcceptanceEvents.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.selector.state.RequestState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch of steps folds into a request's state exactly as its steps one by one. */
class RequestStateTest {

    private static final double DECAY = 0.9;

    @Test
    void aBatchOfEventsGivesTheStateOfTheSameEventsRecordedOneByOne() {
        List<AcceptanceEvent> events = List.of(
                step("r1", 8).verified("ngram", 4, 3).alternative("suffix", 4, 1).build(),
                step("r1", 8).verified("suffix", 6, 6).alternative("draft-small", 4, 2).build(),
                step("r1", 8).verified("ngram", 4, 0).sample(2, 4, true).build(),
                step("r1", 8).alternative("suffix", 8, 5).sample(0, 4, true).build());
        RequestState oneByOne = RequestState.empty();
        for (AcceptanceEvent event : events) {
            oneByOne = oneByOne.recordAll(List.of(event), DECAY);
        }

        RequestState together = RequestState.empty().recordAll(events, DECAY);

        assertEquals(oneByOne, together);
        assertEquals(3, together.drafters().size(), "ngram, suffix and draft-small");
        assertTrue(together.finishedSamples().containsAll(List.of(0, 2)));
    }
}
