package dev.telltale.jvm;

import dev.telltale.jvm.internal.Scopes;
import dev.telltale.jvm.internal.WorkState;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A unit of work: one request, message or job. Statements run while it is current count towards it,
 * connections checked out while it is current are held by it. Open it with
 * {@link TelltaleJvm#unitOfWork(String)} in a try-with-resources block; it is current on the opening
 * thread until {@link #close()}.
 *
 * <p><b>Hand-off.</b> A unit is bound to the thread that opened it. To let work on another thread count
 * towards it, pass it on explicitly: {@code executor.submit(work.wrap(task))}, or on the other thread
 * {@code try (var attached = work.attach()) { ... }}. Statements run after the unit closed are not counted.
 */
public final class UnitOfWork implements AutoCloseable {
    private final WorkState state;
    private final Scopes scopes;
    private final Consumer<WorkState> onEnd;
    private final Thread owner;
    private final WorkState previous;
    private boolean closed;

    UnitOfWork(String name, Scopes scopes, Consumer<WorkState> onEnd, boolean current) {
        this.state = new WorkState(name, false);
        this.scopes = scopes;
        this.onEnd = onEnd;
        this.owner = current ? Thread.currentThread() : null;
        this.previous = current ? scopes.enter(state) : null;
        state.handle(this);
    }

    /** A handle on a unit the library opened itself (a transaction's): closing it does nothing. */
    private UnitOfWork(WorkState state, Scopes scopes) {
        this.state = state;
        this.scopes = scopes;
        this.onEnd = s -> { };
        this.owner = null;
        this.previous = null;
        this.closed = true;
    }

    static UnitOfWork of(WorkState state, Scopes scopes) {
        if (state == null) {
            return null;
        }
        return state.handle() instanceof UnitOfWork unit ? unit : new UnitOfWork(state, scopes);
    }

    /** The name given at opening, such as {@code GET /orders}: the route, listener or job. */
    public String name() {
        return state.name();
    }

    /**
     * Names the unit anew, for servers that choose the route after the unit opened (a reactive server's
     * filters run before its handler mapping). Findings reported when the unit ends carry the new name.
     */
    public UnitOfWork rename(String name) {
        TelltaleJvm.checkName("unit of work", name);
        state.rename(name);
        return this;
    }

    /**
     * Marks this unit as long-running by design (a batch job, an export): connections it holds are not
     * reported as leaks however long it keeps them.
     */
    public UnitOfWork markLongRunning() {
        state.markLongRunning();
        return this;
    }

    /** A task that runs with this unit current on whatever thread runs it. */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Attachment ignored = attach()) {
                task.run();
            }
        };
    }

    /** A callable that runs with this unit current on whatever thread calls it. */
    public <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Attachment ignored = attach()) {
                return task.call();
            }
        };
    }

    /** Makes this unit current on the calling thread until the returned attachment is closed. */
    public Attachment attach() {
        WorkState before = scopes.enter(state);
        return () -> scopes.restore(before);
    }

    /** Ends the unit: its statements are checked for N+1 patterns, and the opening thread gets its previous unit back. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() == owner) {
            scopes.restore(previous);
        }
        onEnd.accept(state);
    }

    WorkState state() {
        return state;
    }

    /** A unit made current on another thread; closing it restores what was current there before. */
    @FunctionalInterface
    public interface Attachment extends AutoCloseable {
        @Override
        void close();
    }
}
