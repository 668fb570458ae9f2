package io.specstream.verify.service;

/**
 * Which per-step records this deployment needs, so that nothing goes out that no consumer reads: commit batches
 * only where draft-service follows the sequences, acceptance batches only where a selector ranks drafters. Plain
 * and coupled decoding publish neither; snapshots and rollouts go out in every mode.
 */
record Publication(boolean commits, boolean acceptance) {

    static Publication of(VerifierDrafting drafting) {
        return new Publication(drafting.readsDraftsTopic(), drafting.followsAssignments());
    }

    boolean anyPerStep() {
        return commits || acceptance;
    }
}
