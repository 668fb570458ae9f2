package io.specstream.inference.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * Pins the calling thread to one CPU core, so that on a machine without accelerators one core stands in for one
 * device: a service loop pinned to core 0 and another to core 1 compete for nothing but memory bandwidth. ONNX
 * Runtime with one intra-op thread computes on the calling thread, so pinning the loop pins its model too.
 *
 * <p>Java has no affinity API; Linux gives every thread an id ({@code /proc/thread-self → <pid>/task/<tid>}) that
 * {@code taskset -p -c CORE TID} pins alone, leaving the rest of the process where it was:
 * <pre>{@code
 * CoreAffinity.pinCurrentThread(1);   // this thread (and threads it starts later) now runs on core 1 only
 * }</pre>
 */
public final class CoreAffinity {

    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");

    private CoreAffinity() {
    }

    /**
     * Cores of this machine that pinning can choose from: those Linux has online ({@code /sys/devices/system/cpu/online},
     * e.g. {@code 0-1}), not the JVM's count, which shrinks to what the calling thread may use once the process was
     * kept off a core.
     */
    public static int availableCores() {
        try {
            String online = Files.readString(ONLINE).trim();
            int highest = -1;
            for (String range : online.split(",")) {
                String[] ends = range.split("-");
                highest = Math.max(highest, Integer.parseInt(ends[ends.length - 1].trim()));
            }
            return highest + 1;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * Pins the calling thread to {@code core}; empty when done, else why not (no /proc, no taskset, a core this
     * process may not use), so a benchmark can say it ran unpinned instead of failing.
     */
    public static Optional<String> pinCurrentThread(int core) {
        if (core < 0 || core >= availableCores()) {
            return Optional.of("core " + core + " is not valid; allowed values: 0 to " + (availableCores() - 1));
        }
        String threadId;
        try {
            threadId = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("no thread id (" + THREAD_SELF + " unreadable: " + e.getMessage() + ")");
        }
        return taskset("-p", "-c", Integer.toString(core), threadId);
    }

    /**
     * Keeps every thread of this process, and every thread they start from now on, off {@code core} (of
     * {@code cores}): the device core is then the pinned loop's alone, as a GPU would be, while the broker, the
     * Kafka clients' threads and the JVM's own share the others. Empty when done, else why not.
     *
     * <p>Example on 2 cores: {@code keepProcessOff(0, 2)} runs {@code taskset -a -p -c 1 <pid>}; a loop that then
     * calls {@code pinCurrentThread(0)} is alone on core 0.
     */
    public static Optional<String> keepProcessOff(int core, int cores) {
        String others = coresBut(core, cores);
        if (others.isEmpty()) {
            return Optional.of("no core is left besides core " + core);
        }
        return taskset("-a", "-p", "-c", others, Long.toString(ProcessHandle.current().pid()));
    }

    /**
     * Moves every other thread of this process that may run on {@code core} alone — the threads a thread pinned there
     * started since, which inherited its core — to the other cores of {@code cores}. Empty when done, else why not.
     *
     * <p>Example: the verify step thread pins itself to core 0, then its prompts consumer joins the group and starts
     * {@code kafka-coordinator-heartbeat-thread}, pinned to core 0 too; {@code moveInheritedThreadsOff(0, 2)} runs
     * {@code taskset -p -c 1 <tid>} for that thread and leaves the step thread where it is.
     */
    public static Optional<String> moveInheritedThreadsOff(int core, int cores) {
        String self;
        List<Path> threads;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            self = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            threads = tasks.toList();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("threads not listed (/proc/self/task unreadable: " + e.getMessage() + ")");
        }
        String others = coresBut(core, cores);
        if (others.isEmpty()) {
            return Optional.of("no core is left besides core " + core);
        }
        for (Path thread : threads) {
            String id = thread.getFileName().toString();
            if (!id.equals(self) && allowedCores(thread).equals(Optional.of(Integer.toString(core)))) {
                Optional<String> refusal = taskset("-p", "-c", others, id);
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
        }
        return Optional.empty();
    }

    /** The kernel's {@code Cpus_allowed_list} of a thread, e.g. "0" or "0-1"; empty once the thread has ended. */
    private static Optional<String> allowedCores(Path thread) {
        try (Stream<String> lines = Files.lines(thread.resolve("status"))) {
            return lines.filter(line -> line.startsWith("Cpus_allowed_list:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static String coresBut(int core, int cores) {
        StringJoiner others = new StringJoiner(",");
        for (int c = 0; c < cores; c++) {
            if (c != core) {
                others.add(Integer.toString(c));
            }
        }
        return others.toString();
    }

    private static Optional<String> taskset(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("taskset");
        command.addAll(List.of(arguments));
        try {
            Process taskset = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return taskset.waitFor() == 0 ? Optional.empty() : Optional.of("taskset failed: " + output);
        } catch (IOException e) {
            return Optional.of("taskset not runnable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while pinning");
        }
    }
}
