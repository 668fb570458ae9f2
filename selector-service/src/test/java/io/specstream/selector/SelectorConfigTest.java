package io.specstream.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelectorConfigTest {

    @Test
    void defaultsAreValid() {
        SelectorConfig defaults = SelectorConfig.defaults();
        assertEquals(SelectorConfig.DEFAULT_DECAY, defaults.decay());
        assertEquals(Optional.empty(), defaults.stateDir());
    }

    @Test
    void aDecayOutsideTheUnitIntervalIsRefusedNamingTheKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SelectorConfig.defaults().withDecay(1.5));
        assertTrue(error.getMessage().contains("--decay must be in (0, 1]"), error.getMessage());
    }

    @Test
    void aFullBatchNotAboveTheIdleBatchIsRefusedNamingBothKeys() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new SelectorConfig(
                0.9, 4, 0.2, 8, 8, 0.3, 0.8, 2, 4, 8, 0.7, Duration.ofSeconds(10), "", Duration.ofMillis(100),
                Optional.of(Path.of("state")), Duration.ofSeconds(60)));
        assertEquals("--full-batch must be greater than --idle-batch (8), was 8", error.getMessage());
    }

    @Test
    void kLengthsOutOfOrderAreRefusedNamingTheKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new SelectorConfig(
                0.9, 4, 0.2, 4, 32, 0.3, 0.8, 2, 6, 5, 0.7, Duration.ofSeconds(10), "", Duration.ofMillis(100),
                Optional.empty(), Duration.ofSeconds(60)));
        assertEquals("--k-max must be at least --k-base (6), was 5", error.getMessage());
    }

    @Test
    void anApplicationIdSuffixWithIllegalCharactersIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SelectorConfig.defaults().withApplicationIdSuffix("a/b"));
        assertTrue(error.getMessage().startsWith("--application-id-suffix 'a/b' is not allowed"), error.getMessage());
    }
}
