package jvit.runtime;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Native resources held by a device backend (OpenCL, CUDA), each with the action that releases
 * it. {@link #close()} releases them last acquired first (kernels before their program, buffers
 * before their context), each exactly once, all of them even when one fails. Used both to close
 * an executable and to undo a load that failed half-way.
 */
public final class Releases implements AutoCloseable {
    private final Deque<Runnable> pending = new ArrayDeque<>();

    public void add(Runnable release) {
        pending.push(release);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!pending.isEmpty()) {
            try {
                pending.pop().run();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
