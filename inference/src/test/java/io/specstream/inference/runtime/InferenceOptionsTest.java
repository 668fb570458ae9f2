package io.specstream.inference.runtime;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceOptionsTest {

    @Test
    void defaultsToCpuWithOneThread() {
        assertEquals(InferenceOptions.cpu(1), InferenceOptions.from(Map.of()));
    }

    @Test
    void zeroThreadsIsRefusedNamingTheKeyAndTheAllowedValues() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> InferenceOptions.from(Map.of(InferenceOptions.THREADS_KEY, "0")));
        assertTrue(refused.getMessage().contains("inference.intra-op-threads=0"), refused.getMessage());
        assertTrue(refused.getMessage().contains("an integer >= 1"), refused.getMessage());
    }

    @Test
    void aNonNumericThreadCountIsRefusedNamingTheKey() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> InferenceOptions.from(Map.of(InferenceOptions.THREADS_KEY, "many")));
        assertTrue(refused.getMessage().contains("inference.intra-op-threads='many'"), refused.getMessage());
    }
}
