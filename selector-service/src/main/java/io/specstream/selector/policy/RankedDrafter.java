package io.specstream.selector.policy;

import io.specstream.selector.state.DrafterEstimate;

/** A drafter in a ranking; {@code qualified} = it has enough observations to be primary. */
public record RankedDrafter(String name, DrafterEstimate estimate, boolean qualified) {
}
