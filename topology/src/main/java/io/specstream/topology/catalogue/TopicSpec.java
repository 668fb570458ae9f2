package io.specstream.topology.catalogue;

import io.specstream.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the pipeline: its name before the deployment prefix, how its keys and values are encoded, how it is
 * partitioned and kept. The prefix and the partition count are deployment choices, applied by {@link TopicCatalogue}.
 *
 * @param baseName      name without prefix, e.g. {@code "prompts"}
 * @param valueType     the Java type of values (an Avro SpecificRecord for every pipeline topic)
 * @param keySerde      key encoding (request ids are plain UTF-8 strings everywhere)
 * @param valueSerde    value encoding
 * @param sharding      single partition or one per request shard
 * @param cleanupPolicy delete or compact
 * @param retention     how long records stay; empty = forever
 */
public record TopicSpec<K, V>(
        String baseName,
        Class<V> valueType,
        SerdeFactory<K> keySerde,
        SerdeFactory<V> valueSerde,
        Sharding sharding,
        CleanupPolicy cleanupPolicy,
        Optional<Duration> retention) {

    public Serde<K> keySerde(SchemaRegistry registry) {
        return keySerde.create(registry);
    }

    public Serde<V> valueSerde(SchemaRegistry registry) {
        return valueSerde.create(registry);
    }
}
