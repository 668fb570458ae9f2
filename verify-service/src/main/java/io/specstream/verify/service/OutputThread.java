package io.specstream.verify.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One thread of the verifier's I/O side (the output threads, and the hint intake's {@link HintReader}): it opens its
 * {@link Work} (and so its producer) on itself — the producer's own network thread then inherits this thread's CPU
 * affinity, not the step thread's — and works through what the step thread queued, in order, a round at a time:
 * everything queued since the last round. A failure stops the thread; the step thread rethrows it at its next
 * iteration.
 *
 * @param <T> what the step thread hands over
 */
final class OutputThread<T> implements AutoCloseable {

    /** What the thread does with its rounds. */
    interface Work<T> extends AutoCloseable {

        /** Handles one round, in order; {@code tasks} is empty when {@link #idleMs()} passed with nothing queued. */
        void round(List<T> tasks);

        /** How long to wait for a task before an empty round (to retry something, say). */
        long idleMs();

        @Override
        void close();
    }

    private static final Object STOP = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;

    private OutputThread(String name, Supplier<? extends Work<T>> opening) {
        this.thread = new Thread(() -> run(opening), name);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; returns once {@code opening} ran on it (or threw, which is rethrown here). */
    static <T> OutputThread<T> start(String name, Supplier<? extends Work<T>> opening) {
        OutputThread<T> output = new OutputThread<>(name, opening);
        output.thread.start();
        try {
            output.ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + name + " started", e);
        }
        output.rethrowFailure();
        return output;
    }

    void add(T task) {
        queue.add(task);
    }

    /** Throws what stopped the thread, if anything did. */
    void rethrowFailure() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    boolean failed() {
        return failure.get() != null;
    }

    /** Works through what is queued, then closes the work and waits for the thread. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void run(Supplier<? extends Work<T>> opening) {
        try (Work<T> work = opening.get()) {
            ready.countDown();
            List<Object> round = new ArrayList<>();
            List<T> tasks = new ArrayList<>();
            boolean stopping = false;
            while (!stopping) {
                round.clear();
                tasks.clear();
                Object first = queue.poll(work.idleMs(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    round.add(first);
                    queue.drainTo(round);
                }
                for (Object task : round) {
                    if (task == STOP) {
                        stopping = true;
                    } else {
                        tasks.add((T) task);
                    }
                }
                work.round(tasks);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            ready.countDown();
        }
    }
}
