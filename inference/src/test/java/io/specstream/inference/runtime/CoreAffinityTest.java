package io.specstream.inference.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreAffinityTest {

    @Test
    void aPinnedThreadMayRunOnItsCoreOnlyAndTheRestOfTheProcessIsLeftAlone() throws Exception {
        String before = allowedCores();
        AtomicReference<String> pinned = new AtomicReference<>();
        AtomicReference<Optional<String>> refusal = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            refusal.set(CoreAffinity.pinCurrentThread(0));
            pinned.set(allowedCores());
        });
        thread.start();
        thread.join();

        assertEquals(Optional.empty(), refusal.get());
        assertEquals("0", pinned.get());
        assertEquals(before, allowedCores(), "only the pinned thread moved");
    }

    @Test
    void aCoreThisProcessCannotUseIsRefusedNamingTheAllowedRange() {
        Optional<String> refusal = CoreAffinity.pinCurrentThread(CoreAffinity.availableCores());

        assertTrue(refusal.orElseThrow().contains("allowed values: 0 to " + (CoreAffinity.availableCores() - 1)),
                refusal.toString());
    }

    private static String allowedCores() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(line -> line.startsWith("Cpus_allowed_list:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
