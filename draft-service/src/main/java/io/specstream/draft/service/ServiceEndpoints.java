package io.specstream.draft.service;

import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;

import java.util.List;
import java.util.Map;

/**
 * Where a service finds the cluster and which topics and consumer group it uses, read from settings shared by
 * draft-service and verify-service:
 *
 * <pre>
 * service.bootstrap-servers    = host:port[,...]   (default 127.0.0.1:9092)
 * service.schema-registry-url  = http(s)://...      (default http://127.0.0.1:8081)
 * service.topic-prefix         = any text           (default empty)
 * service.partitions           = 1, 2, ...          (default 6)
 * service.group-id             = non-blank          (default: the service's name)
 * </pre>
 */
public record ServiceEndpoints(ClientSettings client, TopicCatalogue catalogue, String groupId) {

    public static final String BOOTSTRAP_SERVERS = "service.bootstrap-servers";
    public static final String SCHEMA_REGISTRY_URL = "service.schema-registry-url";
    public static final String TOPIC_PREFIX = "service.topic-prefix";
    public static final String PARTITIONS = "service.partitions";
    public static final String GROUP_ID = "service.group-id";
    public static final List<String> KEYS = List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_PREFIX, PARTITIONS, GROUP_ID);

    public ServiceEndpoints {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException(GROUP_ID + " is empty; allowed values: a non-blank consumer group id");
        }
    }

    /**
     * Reads the keys above; {@code service.*} keys outside {@code allowedServiceKeys} are refused with the list of
     * allowed ones, so a typo fails at start.
     */
    public static ServiceEndpoints from(Map<String, String> settings, String defaultGroupId, List<String> allowedServiceKeys) {
        for (String key : settings.keySet()) {
            if (key.startsWith("service.") && !allowedServiceKeys.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + "; allowed keys: " + allowedServiceKeys);
            }
        }
        String partitions = settings.getOrDefault(PARTITIONS, String.valueOf(TopicCatalogue.DEFAULT_PARTITIONS)).trim();
        int count;
        try {
            count = Integer.parseInt(partitions);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PARTITIONS + "='" + partitions + "' is not valid; allowed values: an integer >= 1");
        }
        if (count < 1) {
            throw new IllegalArgumentException(PARTITIONS + "=" + count + " is not valid; allowed values: an integer >= 1");
        }
        return new ServiceEndpoints(
                ClientSettings.of(settings.getOrDefault(BOOTSTRAP_SERVERS, ClientSettings.DEFAULT_BOOTSTRAP_SERVERS),
                        settings.getOrDefault(SCHEMA_REGISTRY_URL, ClientSettings.DEFAULT_SCHEMA_REGISTRY_URL)),
                new TopicCatalogue(settings.getOrDefault(TOPIC_PREFIX, TopicCatalogue.DEFAULT_PREFIX), count),
                settings.getOrDefault(GROUP_ID, defaultGroupId));
    }
}
