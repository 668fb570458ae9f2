package io.specstream.topology.catalogue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The catalogue as deployed: {@link Topics} with a name prefix and a partition count.
 *
 * <p>Example: with prefix {@code "team-a."} and 6 partitions, {@code name(Topics.PROMPTS)} is
 * {@code "team-a.prompts"} with 6 partitions and {@code name(Topics.SCHEMAS)} is {@code "team-a._schemas"} with 1.
 *
 * @param prefix     prepended to every base name; may be empty, must be a legal Kafka topic-name fragment
 * @param partitions partitions of every per-request topic; it caps how many instances of a service share the work
 */
public record TopicCatalogue(String prefix, int partitions) {

    public static final String DEFAULT_PREFIX = "";
    public static final int DEFAULT_PARTITIONS = 6;

    public TopicCatalogue {
        if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' is not allowed: use letters, digits, '.', '_' and '-' only");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
    }

    public static TopicCatalogue defaults() {
        return new TopicCatalogue(DEFAULT_PREFIX, DEFAULT_PARTITIONS);
    }

    public String name(TopicSpec<?, ?> spec) {
        return prefix + spec.baseName();
    }

    public int partitions(TopicSpec<?, ?> spec) {
        return spec.sharding() == Sharding.SINGLE ? 1 : partitions;
    }

    /** The topic-level configs a topic is created with (and checked against, for the cleanup policy). */
    public Map<String, String> configs(TopicSpec<?, ?> spec) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, spec.cleanupPolicy().configValue());
        configs.put(TopicConfig.RETENTION_MS_CONFIG,
                spec.retention().map(retention -> Long.toString(retention.toMillis())).orElse("-1"));
        return configs;
    }

    public NewTopic newTopic(TopicSpec<?, ?> spec, short replicationFactor) {
        return new NewTopic(name(spec), Optional.of(partitions(spec)), Optional.of(replicationFactor))
                .configs(configs(spec));
    }

    public List<TopicSpec<String, ?>> all() {
        return Topics.all();
    }
}
