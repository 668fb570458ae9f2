package io.specstream.topology.admin;

import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Registers every Avro topic's value schema under its TopicNameStrategy subject ({@code <topic>-value}) ahead of
 * the first record, so a client in another language (the Python trainer) can fetch the latest schema and publish
 * before any Java service has written. Registering the same schema again returns the same id.
 */
public final class SchemaBootstrap {

    private final SchemaRegistry registry;
    private final TopicCatalogue catalogue;

    public SchemaBootstrap(SchemaRegistry registry, TopicCatalogue catalogue) {
        this.registry = registry;
        this.catalogue = catalogue;
    }

    /** Subject → schema id, for every topic whose values are Avro records. */
    public Map<String, Integer> registerAll() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (TopicSpec<String, ?> spec : catalogue.all()) {
            if (SpecificRecord.class.isAssignableFrom(spec.valueType())) {
                String subject = catalogue.name(spec) + "-value";
                ids.put(subject, registry.register(subject, SpecificData.get().getSchema(spec.valueType())));
            }
        }
        return ids;
    }
}
