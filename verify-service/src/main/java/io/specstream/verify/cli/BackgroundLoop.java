package io.specstream.verify.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A service loop on its own thread; remembers what it threw, so the run can stop with that reason. */
final class BackgroundLoop implements AutoCloseable {

    private final AutoCloseable loop;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private <L extends Runnable & AutoCloseable> BackgroundLoop(L loop, String name) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        this.thread.setDaemon(true);
    }

    static <L extends Runnable & AutoCloseable> BackgroundLoop start(L loop, String name) {
        BackgroundLoop background = new BackgroundLoop(loop, name);
        background.thread.start();
        return background;
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    String name() {
        return thread.getName();
    }

    /** Asks the loop to stop and waits for its thread. */
    @Override
    public void close() throws Exception {
        loop.close();
        thread.join();
    }
}
