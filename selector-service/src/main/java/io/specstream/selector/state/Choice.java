package io.specstream.selector.state;

import java.util.List;

/**
 * The part of an assignment whose change is worth a record on the compacted topic: which drafters run (best first),
 * which the verifier prefers, and the draft length.
 */
public record Choice(List<String> drafters, String primary, int k) {

    public Choice {
        drafters = List.copyOf(drafters);
    }
}
