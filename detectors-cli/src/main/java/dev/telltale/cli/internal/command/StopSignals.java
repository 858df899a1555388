package dev.telltale.cli.internal.command;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handled by the agent itself: the JVM's default ends the process with 143 or 130 after
 * the shutdown hooks, where an orchestrator expects a service that stopped cleanly to exit 0.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** Runs {@code stop} (once per signal, on a thread of its own) instead of the JVM's default handling. */
    static void onTermOrInt(Runnable stop) {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> new Thread(stop, "telltale-stop-" + name).start());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here, or the JVM keeps it (-Xrs): the shutdown hook still stops cleanly
            }
        }
    }
}
