package dev.telltale.examples.jvm;

import dev.telltale.jvm.TelltaleJvm;

/**
 * A background task where every run is one unit of work: a scheduled job, a queue consumer's
 * handler. For handing an already open unit to another thread use {@code work.wrap(task)} instead.
 */
public final class UnitOfWorkRunnable implements Runnable {
    private final TelltaleJvm telltale;
    private final String name;
    private final Runnable task;

    public UnitOfWorkRunnable(TelltaleJvm telltale, String name, Runnable task) {
        this.telltale = telltale;
        this.name = name;
        this.task = task;
    }

    @Override
    public void run() {
        try (var work = telltale.unitOfWork(name)) {
            task.run();
        }
    }
}
