package io.specstream.inference.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    void aThreadStartedByAPinnedThreadIsMovedOffItsCoreAndThePinnedThreadStays() throws Exception {
        assumeTrue(CoreAffinity.availableCores() >= 2, "needs a second core to move the thread to");
        String before = allowedCores();
        AtomicReference<String> child = new AtomicReference<>();
        AtomicReference<String> childAfter = new AtomicReference<>();
        AtomicReference<String> pinnedAfter = new AtomicReference<>();
        AtomicReference<Optional<String>> refusal = new AtomicReference<>();
        CountDownLatch moved = new CountDownLatch(1);
        Thread pinned = new Thread(() -> {
            CoreAffinity.pinCurrentThread(0);
            CountDownLatch started = new CountDownLatch(1);
            Thread inheritor = new Thread(() -> { // like a client's thread started after the pinning
                child.set(allowedCores());
                started.countDown();
                awaitQuietly(moved);
                childAfter.set(allowedCores());
            });
            inheritor.start();
            awaitQuietly(started);
            refusal.set(CoreAffinity.moveInheritedThreadsOff(0, CoreAffinity.availableCores()));
            pinnedAfter.set(allowedCores());
            moved.countDown();
            joinQuietly(inheritor);
        });
        pinned.start();
        pinned.join();

        assertEquals("0", child.get(), "a thread started by a pinned thread inherits its core");
        assertEquals(Optional.empty(), refusal.get());
        assertFalse(childAfter.get().startsWith("0"), "moved off core 0, allowed now: " + childAfter.get());
        assertEquals("0", pinnedAfter.get(), "the calling thread stays on its core");
        assertEquals(before, allowedCores(), "threads allowed elsewhere are left alone");
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
