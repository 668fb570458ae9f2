package io.specstream.contract;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service loop on its own thread, as {@code specstream run} and the tests run them; remembers what the loop threw,
 * so the caller can stop with that reason.
 *
 * <pre>{@code
 * try (BackgroundLoop verify = BackgroundLoop.start(verifyLoop, "verify-loop")) {
 *     ...                               // verify.failure() says whether it died, and why
 * }                                     // close: asks the loop to stop, waits for its thread
 * BackgroundLoop.startFailingOnClose(loop, "verify");   // close also rethrows what the loop threw
 * }</pre>
 */
public final class BackgroundLoop implements AutoCloseable {

    private final AutoCloseable loop;
    private final Thread thread;
    private final boolean failOnClose;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private <L extends Runnable & AutoCloseable> BackgroundLoop(L loop, String name, boolean failOnClose) {
        this.loop = loop;
        this.failOnClose = failOnClose;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        this.thread.setDaemon(true);
    }

    /** Starts {@code loop}; {@link #failure()} tells whether it died. */
    public static <L extends Runnable & AutoCloseable> BackgroundLoop start(L loop, String name) {
        return started(new BackgroundLoop(loop, name, false));
    }

    /** Starts {@code loop}; {@link #close()} rethrows what it threw, wrapped, naming the loop. */
    public static <L extends Runnable & AutoCloseable> BackgroundLoop startFailingOnClose(L loop, String name) {
        return started(new BackgroundLoop(loop, name, true));
    }

    private static BackgroundLoop started(BackgroundLoop background) {
        background.thread.start();
        return background;
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public String name() {
        return thread.getName();
    }

    /** Asks the loop to stop and waits for its thread. */
    @Override
    public void close() throws Exception {
        loop.close();
        thread.join();
        if (failOnClose && failure.get() != null) {
            throw new IllegalStateException(name() + " failed", failure.get());
        }
    }
}
