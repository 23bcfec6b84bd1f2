package dev.linkvault;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The thread pools of a command's parallel steps, and waiting for their tasks as if they had run in line. */
public final class Parallel {
    private Parallel() {}

    /** A fixed pool of {@code n} daemon threads named {@code name} (they never keep the JVM alive). */
    public static ExecutorService daemons(int n, String name) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** One step of {@link #forEach}. */
    public interface Step<T> {
        void run(T item) throws IOException;
    }

    /**
     * {@code step} for each of {@code items} on a pool of {@code threads} daemon threads named
     * {@code name}; returns once every step is done, throws what a step threw (as {@link #await}).
     */
    public static <T> void forEach(java.util.List<T> items, int threads, String name, String what, Step<T> step)
            throws IOException {
        ExecutorService pool = daemons(threads, name);
        try {
            java.util.List<Future<?>> done = new java.util.ArrayList<>(items.size());
            for (T item : items) {
                done.add(pool.submit(() -> {
                    step.run(item);
                    return null;
                }));
            }
            for (Future<?> d : done) {
                await(d, what);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The task's result; what it threw is thrown here as it was (an IOException, a runtime
     * exception), an interrupt while waiting as an {@link InterruptedIOException} naming {@code what}.
     */
    public static <T> T await(Future<T> task, String what) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
