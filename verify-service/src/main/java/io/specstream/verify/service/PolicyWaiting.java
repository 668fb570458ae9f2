package io.specstream.verify.service;

import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.RolloutSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A decoded request on its way into the engines, waiting if need be for the policy version it is to run under: the
 * one it names, the one its snapshots began with ({@code resumedVersion}, for sequences a takeover resumes), or, when
 * neither, the newest loaded.
 *
 * @param record         the prompt record (a dead letter quotes it)
 * @param resumed        prefixes its samples committed elsewhere, by sample index
 * @param receivedAtMs   when it was read: its rollouts' timings and its wait's deadline count from there
 */
record PolicyWaiting(ConsumerRecord<byte[], byte[]> record, RolloutRequest request, RolloutSpec spec,
                     Map<Integer, CommittedPrefix> resumed, OptionalLong resumedVersion, long receivedAtMs) {

    TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    String requestId() {
        return spec.requestId();
    }
}
