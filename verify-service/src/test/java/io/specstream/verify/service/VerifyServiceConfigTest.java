package io.specstream.verify.service;

import io.specstream.draft.service.ServiceEndpoints;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyServiceConfigTest {

    @Test
    void absentKeysTakeTheirDefaults() {
        VerifyServiceConfig config = VerifyServiceConfig.from(Map.of());
        assertEquals("127.0.0.1:9092", config.endpoints().client().bootstrapServers());
        assertEquals(6, config.endpoints().catalogue().partitions());
        assertEquals("verify-service", config.endpoints().groupId());
        assertEquals("verify-service-0", config.transactionalId());
    }

    @Test
    void anUnknownServiceKeyIsRefusedWithTheAllowedKeys() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> VerifyServiceConfig.from(Map.of("service.grup-id", "x")));
        assertTrue(error.getMessage().contains("service.grup-id") && error.getMessage().contains("service.group-id")
                && error.getMessage().contains("service.transactional-id"), error.getMessage());
    }

    @Test
    void aNonNumericPartitionCountNamesTheKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> VerifyServiceConfig.from(Map.of(ServiceEndpoints.PARTITIONS, "six")));
        assertTrue(error.getMessage().startsWith("service.partitions='six'"), error.getMessage());
    }

    @Test
    void aBlankTransactionalIdIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> VerifyServiceConfig.from(Map.of(VerifyServiceConfig.TRANSACTIONAL_ID, " ")));
        assertTrue(error.getMessage().startsWith("service.transactional-id"), error.getMessage());
    }
}
