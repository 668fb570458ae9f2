package io.specstream.verify.service;

import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.verify.RolloutSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A request as it was admitted — what it asks for, the policy version decoding it (the one it names, else the newest
 * loaded when it arrived, else the one its snapshots began with), where it was read (its offset is committed once all
 * its samples finish) and when it arrived (wall-clock ms, the origin of its rollouts' timings). Never changes, so the
 * I/O side may read it while the step thread goes on.
 */
record Admission(RolloutRequest request, RolloutSpec spec, long policyVersion, TopicPartition partition, long offset,
                 long receivedAtMs) {

    String requestId() {
        return spec.requestId();
    }
}
