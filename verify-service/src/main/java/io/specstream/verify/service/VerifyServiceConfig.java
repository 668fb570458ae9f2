package io.specstream.verify.service;

import io.specstream.draft.service.ServiceEndpoints;
import io.specstream.verify.VerifyConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything verify-service needs at start, validated then: the {@link ServiceEndpoints} keys (group default
 * {@code verify-service}) plus
 *
 * <pre>
 * service.transactional-id = non-blank, unique per verify instance (default verify-service-0)
 * verify.*, inference.*    = see VerifyConfig
 * </pre>
 */
public record VerifyServiceConfig(ServiceEndpoints endpoints, String transactionalId, VerifyConfig verify) {

    public static final String TRANSACTIONAL_ID = "service.transactional-id";
    private static final List<String> SERVICE_KEYS = keys();

    public VerifyServiceConfig {
        if (transactionalId == null || transactionalId.isBlank()) {
            throw new IllegalArgumentException(TRANSACTIONAL_ID
                    + " is empty; allowed values: a non-blank id, unique per verify instance");
        }
    }

    public static VerifyServiceConfig from(Map<String, String> settings) {
        return new VerifyServiceConfig(
                ServiceEndpoints.from(settings, "verify-service", SERVICE_KEYS),
                settings.getOrDefault(TRANSACTIONAL_ID, "verify-service-0"),
                VerifyConfig.from(settings));
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>(ServiceEndpoints.KEYS);
        keys.add(TRANSACTIONAL_ID);
        return List.copyOf(keys);
    }
}
