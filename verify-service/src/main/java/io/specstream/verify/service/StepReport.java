package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.StepOutcome;

import java.util.List;
import java.util.Map;

/**
 * One verify step as the step thread hands it to the I/O side: every sequence's outcome (for the commit and
 * acceptance batches, when this deployment publishes them) and the progress snapshots that fell due. Immutable.
 *
 * @param stepMicros wall time of the step, for the acceptance events
 * @param outcomes   empty when neither commits nor acceptance are published
 */
record StepReport(long timestampMs, long stepMicros, int batchSize, List<Sequence> outcomes,
                  List<Progress> snapshots) {

    StepReport {
        outcomes = List.copyOf(outcomes);
        snapshots = List.copyOf(snapshots);
    }

    /** A sequence's outcome, its request, and what each drafter's tail cost to draft (for acceptance events). */
    record Sequence(Admission request, StepOutcome outcome, Map<String, Long> draftCostMicros) {
        Sequence {
            draftCostMicros = Map.copyOf(draftCostMicros);
        }
    }

    /** A running sequence's committed state, due on the {@code sequences} changelog. */
    record Progress(Admission request, SequenceKey key, CommittedPrefix prefix) {
    }

    boolean isEmpty() {
        return outcomes.isEmpty() && snapshots.isEmpty();
    }
}
