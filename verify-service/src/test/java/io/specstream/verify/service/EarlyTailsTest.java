package io.specstream.verify.service;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EarlyTailsTest {

    private final EarlyTails early = new EarlyTails();

    @Test
    void tailsThatCameBeforeTheirRequestAreTakenAtItsAdmission() {
        InputRecords.OfferedTail first = offered("r1", 0, 0);
        InputRecords.OfferedTail second = offered("r1", 1, 0);
        early.keep(first);
        early.keep(second);

        assertEquals(List.of(first, second), early.take(List.of(new SequenceKey("r1", 0), new SequenceKey("r1", 1))));
        assertEquals(List.of(), early.take(List.of(new SequenceKey("r1", 0))), "taken once");
    }

    @Test
    void theOldestGoOnceTheBufferIsFull() {
        InputRecords.OfferedTail oldest = offered("r0", 0, 0);
        early.keep(oldest);
        for (int i = 1; i <= EarlyTails.CAPACITY; i++) {
            early.keep(offered("r" + i, 0, 0));
        }

        assertEquals(List.of(), early.take(List.of(new SequenceKey("r0", 0))));
        assertEquals(1, early.take(List.of(new SequenceKey("r" + EarlyTails.CAPACITY, 0))).size());
    }

    private static InputRecords.OfferedTail offered(String id, int sample, int start) {
        return new InputRecords.OfferedTail(new SequenceKey(id, sample),
                new DraftTail("draft-tiny", start, new int[] {4, 5}), 10);
    }
}
