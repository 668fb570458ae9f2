package io.specstream.verify.service;

import io.specstream.schemas.avro.RolloutRequest;
import org.apache.kafka.common.TopicPartition;

/**
 * A request the engine runs, with where it was read (its offset is committed once all its samples finish) and when
 * it arrived (wall-clock ms, the origin of the rollouts' timings).
 */
record AdmittedRequest(RolloutRequest request, TopicPartition partition, long offset, long receivedAtMs) {
}
