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

    /**
     * Makes {@code previous} current again. Null is set, not removed: removing the entry at the end of every
     * request made the thread's map expunge and rehash each time, and showed in profiles of a web server.
     */
    public void restore(WorkState previous) {
        current.set(previous);
    }
}
