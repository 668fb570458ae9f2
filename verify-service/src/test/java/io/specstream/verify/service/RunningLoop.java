package io.specstream.verify.service;

import java.util.concurrent.atomic.AtomicReference;

/** A loop on its own thread, as a service runs it; closing stops it, waits for it and rethrows what it threw. */
final class RunningLoop implements AutoCloseable {

    private final AutoCloseable loop;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private <L extends Runnable & AutoCloseable> RunningLoop(L loop, String name) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
    }

    static <L extends Runnable & AutoCloseable> RunningLoop start(L loop, String name) {
        RunningLoop running = new RunningLoop(loop, name);
        running.thread.start();
        return running;
    }

    @Override
    public void close() throws Exception {
        loop.close();
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError(thread.getName() + " failed", failure.get());
        }
    }
}
