package io.specstream.bench.measure;

import io.specstream.pipeline.cli.RunPipeline;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * What used the cores over some stretch of a run: CPU seconds of the verify loops' and the draft loop's threads (the
 * two devices' work, found by the names {@link RunPipeline} gives them), seconds the JIT compilers spent compiling,
 * and the garbage collections (count and seconds; for G1's young collections the seconds are the stop-the-world
 * pauses). The bench's services share one JVM on two
 * cores: the compilers and collectors run beside the draft loop on the draft core, and a pause stops the verify step
 * too as soon as it leaves the model's native code — work no device of a real deployment would share.
 *
 * <p>Example: sampled before a cell (draft loop 20.0 s, JIT 41.2 s, 12 collections, 0.30 s) and after it (21.5 s,
 * 43.0 s, 15, 0.38 s) → {@code after.since(before)}: draft loop 1.5 s, JIT 1.8 s, 3 collections, 0.08 s. Over a 6 s
 * makespan the draft loop had 25 % of its core, the compilers took 30 %.
 */
public record CoreUse(double verifyLoopSeconds, double draftLoopSeconds, double jitSeconds, long collections,
                      double collectionSeconds) {

    /** Nothing: a stretch in which nothing ran, or a run that did not measure it. */
    public static final CoreUse NONE = new CoreUse(0, 0, 0, 0, 0);

    public CoreUse {
        if (verifyLoopSeconds < 0 || draftLoopSeconds < 0 || jitSeconds < 0 || collections < 0
                || collectionSeconds < 0) {
            throw new IllegalArgumentException("core use must be >= 0, got verify loop " + verifyLoopSeconds
                    + " s, draft loop " + draftLoopSeconds + " s, JIT " + jitSeconds + " s, " + collections
                    + " collections, " + collectionSeconds + " s");
        }
    }

    /**
     * This JVM's totals now: the loops' threads alive now, the compilers and collectors since the start (JIT seconds
     * 0 where the JVM does not time its compilers, loop seconds 0 where it does not measure thread CPU time).
     */
    public static CoreUse now() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        double jitSeconds = jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime() / 1e3 : 0;
        long collections = 0;
        long collectionMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, collector.getCollectionCount());
            collectionMillis += Math.max(0, collector.getCollectionTime());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double verify = 0;
        double draft = 0;
        if (threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue; // ended since the ids were taken
                }
                long nanos = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                if (info.getThreadName().startsWith(RunPipeline.VERIFY_LOOP_THREAD)) {
                    verify += nanos / 1e9;
                } else if (info.getThreadName().startsWith(RunPipeline.DRAFT_LOOP_THREAD)) {
                    draft += nanos / 1e9;
                }
            }
        }
        return new CoreUse(verify, draft, jitSeconds, collections, collectionMillis / 1e3);
    }

    /**
     * Which compilers this JVM runs, from its command line: "C1 and C2 (tiered)", the JVM's default, or what a flag
     * chose instead (e.g. "C1 only (-XX:TieredStopAtLevel=1)").
     */
    public static String compilers() {
        return compilers(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** As {@link #compilers()}, from {@code jvmArguments}; the last of repeated flags wins, as in the JVM. */
    static String compilers(List<String> jvmArguments) {
        String level = null;
        boolean tiered = true;
        for (String argument : jvmArguments) {
            if (argument.startsWith("-XX:TieredStopAtLevel=")) {
                level = argument.substring("-XX:TieredStopAtLevel=".length());
            } else if (argument.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (argument.equals("-XX:+TieredCompilation")) {
                tiered = true;
            }
        }
        if (!tiered) {
            return "C2 only (-XX:-TieredCompilation)";
        }
        if (level != null && !level.equals("4")) {
            return "C1 only (-XX:TieredStopAtLevel=" + level + ")";
        }
        return "C1 and C2 (tiered)";
    }

    /** What was used between {@code earlier} and this sample (a loop started in between counts from 0). */
    public CoreUse since(CoreUse earlier) {
        return new CoreUse(Math.max(0, verifyLoopSeconds - earlier.verifyLoopSeconds),
                Math.max(0, draftLoopSeconds - earlier.draftLoopSeconds),
                Math.max(0, jitSeconds - earlier.jitSeconds),
                Math.max(0, collections - earlier.collections),
                Math.max(0, collectionSeconds - earlier.collectionSeconds));
    }
}
