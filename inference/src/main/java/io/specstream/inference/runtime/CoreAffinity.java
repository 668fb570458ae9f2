package io.specstream.inference.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    private CoreAffinity() {
    }

    /** Cores this process may run on (what pinning can choose from). */
    public static int availableCores() {
        return Runtime.getRuntime().availableProcessors();
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
        try {
            Process taskset = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(core), threadId)
                    .redirectErrorStream(true).start();
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
