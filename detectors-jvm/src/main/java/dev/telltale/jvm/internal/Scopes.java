package dev.telltale.jvm.internal;

/** The unit of work current on each thread. One per {@code TelltaleJvm}. */
public final class Scopes {
    private final ThreadLocal<WorkState> current = new ThreadLocal<>();

    public WorkState current() {
        return current.get();
    }

    /** Makes {@code w} current and returns what was current before, to restore later. */
    public WorkState enter(WorkState w) {
        WorkState previous = current.get();
        current.set(w);
        return previous;
    }

    public void restore(WorkState previous) {
        if (previous == null) {
            current.remove();
        } else {
            current.set(previous);
        }
    }
}
