package io.specstream.pipeline.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a service loop on the calling thread until Ctrl-C. The shutdown hook closes the loop and waits for
 * {@code afterLoop} (the caller's cleanup, e.g. closing the model) — not for the calling thread itself, which goes on
 * to {@code System.exit} and would block there forever while the hook waited for it.
 */
public final class UntilStopped {

    private UntilStopped() {
    }

    public static <L extends Runnable & AutoCloseable> void run(L loop, PrintWriter out, String name, Runnable afterLoop) {
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                loop.close();
                cleanedUp.await();
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(name + " is running; press Ctrl-C to stop.");
        out.flush();
        try {
            loop.run();
        } finally {
            try {
                afterLoop.run();
            } finally {
                cleanedUp.countDown();
            }
        }
    }
}
