package io.specstream.draft.service;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DraftServiceConfigTest {

    @Test
    void absentKeysTakeTheirDefaults() {
        DraftServiceConfig config = DraftServiceConfig.from(Map.of());
        assertEquals(Path.of("models/draft-tiny"), config.modelDir());
        assertEquals("draft-tiny", config.drafterName());
        assertEquals(8, config.k());
        assertEquals("draft-service", config.endpoints().groupId());
        assertEquals("127.0.0.1:9092", config.endpoints().client().bootstrapServers());
    }

    @Test
    void anUnknownDraftKeyIsRefusedWithTheAllowedKeys() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DraftServiceConfig.from(Map.of("draft.window", "8")));
        assertTrue(error.getMessage().contains("draft.window") && error.getMessage().contains("draft.k"), error.getMessage());
    }

    @Test
    void aTransactionalIdIsNotADraftServiceKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DraftServiceConfig.from(Map.of("service.transactional-id", "x")));
        assertTrue(error.getMessage().startsWith("unknown key service.transactional-id"), error.getMessage());
    }

    @Test
    void aDraftLengthBelowOneNamesTheKeyAndTheAllowedValues() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DraftServiceConfig.from(Map.of(DraftServiceConfig.K, "0")));
        assertEquals("draft.k=0 is not valid; allowed values: an integer >= 1", error.getMessage());
    }

    @Test
    void aPartitionCountBelowOneIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DraftServiceConfig.from(Map.of(ServiceEndpoints.PARTITIONS, "0")));
        assertTrue(error.getMessage().startsWith("service.partitions=0"), error.getMessage());
    }
}
