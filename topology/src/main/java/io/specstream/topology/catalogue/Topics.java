package io.specstream.topology.catalogue;

import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.PolicyStatus;
import io.specstream.schemas.avro.PolicyVersion;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue: every topic SpecStream reads or writes, defined once (DESIGN.md, "Topics"). Services and tests
 * name topics only through these constants and {@link TopicCatalogue#name(TopicSpec)}.
 */
public final class Topics {

    /** Hints (commits, drafts, acceptance) are worthless after minutes; an hour leaves room for debugging. */
    private static final Optional<Duration> HINT_RETENTION = Optional.of(Duration.ofHours(1));
    private static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
    private static final Optional<Duration> FOREVER = Optional.empty();

    public static final TopicSpec<String, RolloutRequest> PROMPTS =
            avro("prompts", RolloutRequest.class, CleanupPolicy.DELETE, WEEK);
    public static final TopicSpec<String, Rollout> ROLLOUTS =
            avro("rollouts", Rollout.class, CleanupPolicy.DELETE, WEEK);
    /*
     * The three hint topics carry batches: one record per partition for the verify steps of a few milliseconds (or
     * per draft round), written to the partition numbered like the requests' prompts partition, with no key.
     * Per-sequence records cost the step thread a serialization and a send each, 128 a step at batch 64, for
     * consumers that read them together anyway.
     */
    public static final TopicSpec<String, CommitBatch> COMMITS =
            avro("commit-batches", CommitBatch.class, CleanupPolicy.DELETE, HINT_RETENTION);
    public static final TopicSpec<String, DraftBatch> DRAFTS =
            avro("draft-batches", DraftBatch.class, CleanupPolicy.DELETE, HINT_RETENTION);
    public static final TopicSpec<String, AcceptanceBatch> ACCEPTANCE =
            avro("acceptance-batches", AcceptanceBatch.class, CleanupPolicy.DELETE, HINT_RETENTION);
    public static final TopicSpec<String, DrafterAssignment> ASSIGNMENTS =
            avro("assignments", DrafterAssignment.class, CleanupPolicy.COMPACT, FOREVER);
    public static final TopicSpec<String, SequenceSnapshot> SEQUENCES =
            avro("sequences", SequenceSnapshot.class, CleanupPolicy.COMPACT, FOREVER);
    /** Draft-service load, keyed by instance id: the selector runs all drafters while drafting capacity is idle. */
    public static final TopicSpec<String, DraftHeartbeat> HEARTBEATS = single("heartbeats", DraftHeartbeat.class,
            CleanupPolicy.DELETE, HINT_RETENTION);
    /**
     * Policy versions, key = the version number in decimal: compacted, one partition, kept forever, so every verify
     * instance reads the whole history at start (a handful of small records per training step).
     */
    public static final TopicSpec<String, PolicyVersion> POLICIES = single("policies", PolicyVersion.class,
            CleanupPolicy.COMPACT, FOREVER);
    /** What each verify instance has loaded, key = instance id; compacted, read by {@code specstream policy list}. */
    public static final TopicSpec<String, PolicyStatus> POLICY_STATUS = single("policy-status", PolicyStatus.class,
            CleanupPolicy.COMPACT, FOREVER);
    public static final TopicSpec<String, DeadLetter> DEAD_LETTERS =
            avro("dead-letters", DeadLetter.class, CleanupPolicy.DELETE, Optional.of(Duration.ofDays(14)));

    /** The schema registry's own store, as Confluent's registry keeps it: JSON keys and values, compacted. */
    public static final TopicSpec<String, String> SCHEMAS = new TopicSpec<>(
            "_schemas", String.class, registry -> Serdes.String(), registry -> Serdes.String(),
            Sharding.SINGLE, CleanupPolicy.COMPACT, FOREVER);

    private static final List<TopicSpec<String, ?>> ALL = List.of(
            PROMPTS, ROLLOUTS, COMMITS, DRAFTS, ACCEPTANCE, ASSIGNMENTS, SEQUENCES, HEARTBEATS, POLICIES, POLICY_STATUS,
            DEAD_LETTERS, SCHEMAS);

    private Topics() {
    }

    /** Every topic, in the order of DESIGN.md's table, the registry's store last. */
    public static List<TopicSpec<String, ?>> all() {
        return ALL;
    }

    /** The topic whose base name is {@code baseName}, or an error listing the names there are. */
    public static TopicSpec<String, ?> byBaseName(String baseName) {
        return ALL.stream()
                .filter(spec -> spec.baseName().equals(baseName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown topic '" + baseName + "'; known topics: "
                        + ALL.stream().map(TopicSpec::baseName).toList()));
    }

    private static <V extends SpecificRecord> TopicSpec<String, V> single(
            String baseName, Class<V> type, CleanupPolicy cleanup, Optional<Duration> retention) {
        return new TopicSpec<>(baseName, type, registry -> Serdes.String(), registry -> AvroSerde.of(type, registry),
                Sharding.SINGLE, cleanup, retention);
    }

    private static <V extends SpecificRecord> TopicSpec<String, V> avro(
            String baseName, Class<V> type, CleanupPolicy cleanup, Optional<Duration> retention) {
        return new TopicSpec<>(baseName, type, registry -> Serdes.String(), registry -> AvroSerde.of(type, registry),
                Sharding.BY_REQUEST, cleanup, retention);
    }
}
