package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draft-service tails for sequences this verifier does not run yet: draft-service reads a prompt as soon as the
 * verifier does and may be faster, so its first tails (position 0, drafted from the prompt alone) can arrive before
 * the verifier admitted the request. They wait here and join the request's sequences at admission. Bounded: the
 * oldest go first, so tails that arrive after their sequence finished (a drafter not yet told) cannot pile up.
 *
 * <p>Example: tails of r1#0 and r1#1 arrive, then r1's prompt → both are offered at r1's admission; a tail of r0#0
 * arriving after r0 finished is kept until {@value #CAPACITY} newer ones pushed it out.
 */
final class EarlyTails {

    static final int CAPACITY = 1_024;

    private final Map<SequenceKey, List<InputRecords.OfferedTail>> waiting = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SequenceKey, List<InputRecords.OfferedTail>> eldest) {
            return size() > CAPACITY;
        }
    };

    void keep(InputRecords.OfferedTail offered) {
        waiting.computeIfAbsent(offered.key(), key -> new ArrayList<>()).add(offered);
    }

    /** The tails kept for {@code keys}, which leave here. */
    List<InputRecords.OfferedTail> take(List<SequenceKey> keys) {
        List<InputRecords.OfferedTail> taken = new ArrayList<>();
        for (SequenceKey key : keys) {
            List<InputRecords.OfferedTail> tails = waiting.remove(key);
            if (tails != null) {
                taken.addAll(tails);
            }
        }
        return taken;
    }
}
