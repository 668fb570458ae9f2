package io.specstream.topology.catalogue;

import io.specstream.schemas.registry.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;

/** Builds a topic's serde; Avro serdes need the registry, plain ones ignore it. */
@FunctionalInterface
public interface SerdeFactory<T> {
    Serde<T> create(SchemaRegistry registry);
}
