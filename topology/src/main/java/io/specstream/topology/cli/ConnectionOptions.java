package io.specstream.topology.cli;

import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every subcommand takes: where the cluster and registry are, client security settings, topic layout. */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = ClientSettings.DEFAULT_BOOTSTRAP_SERVERS,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", defaultValue = ClientSettings.DEFAULT_SCHEMA_REGISTRY_URL,
            description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Properties file passed to every Kafka client (security.protocol, sasl.*, ssl.*, ...); "
                    + "schema.registry.* and basic.auth.* keys go to the registry client.")
    Path clientConfig;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = TopicCatalogue.DEFAULT_PREFIX,
            description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + TopicCatalogue.DEFAULT_PARTITIONS,
            description = "Partitions of every per-request topic; caps useful instances per service "
                    + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    public ClientSettings settings() {
        return ClientSettings.load(bootstrapServers, schemaRegistryUrl, Optional.ofNullable(clientConfig));
    }

    public TopicCatalogue catalogue() {
        return new TopicCatalogue(topicPrefix, partitions);
    }

    public SchemaRegistry registry(ClientSettings settings) {
        return new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
    }
}
