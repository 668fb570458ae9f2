package io.specstream.bench.measure;

import io.specstream.pipeline.cli.RunPipeline;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreUseTest {

    @Test
    void useSinceAnEarlierSampleIsTheDifferenceOfTheTotals() {
        CoreUse before = new CoreUse(5.0, 20.0, 41.2, 12, 0.30);
        CoreUse after = new CoreUse(11.0, 21.5, 43.0, 15, 0.38);
        CoreUse cell = after.since(before);
        assertEquals(6.0, cell.verifyLoopSeconds(), 1e-9);
        assertEquals(1.5, cell.draftLoopSeconds(), 1e-9);
        assertEquals(1.8, cell.jitSeconds(), 1e-9);
        assertEquals(3, cell.collections());
        assertEquals(0.08, cell.collectionSeconds(), 1e-9);
    }

    @Test
    void aLoopThatEndedBeforeTheLaterSampleCountsNothingRatherThanLessThanNothing() {
        CoreUse before = new CoreUse(5.0, 20.0, 1, 1, 0);
        CoreUse after = new CoreUse(0, 0, 1, 1, 0);
        assertEquals(CoreUse.NONE, after.since(before));
    }

    @Test
    void theCpuOfAThreadNamedAsTheDraftLoopIsCountedAsTheDraftLoops() throws Exception {
        CoreUse before = CoreUse.now();
        AtomicReference<CoreUse> during = new AtomicReference<>();
        Thread loop = new Thread(() -> {
            long spins = 0;
            long until = System.nanoTime() + 50_000_000L;
            while (System.nanoTime() < until) {
                spins++;
            }
            during.set(CoreUse.now().since(before)); // while the thread still lives: a finished one is not counted
        }, RunPipeline.DRAFT_LOOP_THREAD);
        loop.start();
        loop.join();
        assertTrue(during.get().draftLoopSeconds() > 0, during.get().toString());
        assertEquals(0, during.get().verifyLoopSeconds(), 1e-9, during.get().toString());
    }

    @Test
    void negativeUseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CoreUse(-1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CoreUse(0, 0, 0, -1, 0));
    }

    @Test
    void theCompilersAreReadFromTheCommandLineTheLastFlagWinning() {
        assertEquals("C1 and C2 (tiered)", CoreUse.compilers(List.of("-Xmx1g")));
        assertEquals("C1 only (-XX:TieredStopAtLevel=1)", CoreUse.compilers(List.of("-XX:TieredStopAtLevel=1")));
        assertEquals("C1 and C2 (tiered)",
                CoreUse.compilers(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")));
        assertEquals("C2 only (-XX:-TieredCompilation)", CoreUse.compilers(List.of("-XX:-TieredCompilation")));
    }
}
