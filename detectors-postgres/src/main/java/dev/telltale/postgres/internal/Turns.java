package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionTimeoutException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/** How the runs of one target take turns on its one connection: a fair lock, waited for within the run's budget. */
public final class Turns {
    private Turns() {
    }

    /**
     * Takes {@code lock} within {@code budget}, telling {@code queued} how long that took (queue time, not the run's
     * own); the caller unlocks.
     *
     * @return the time waited
     * @throws DetectionTimeoutException when another detection held it for the whole budget
     */
    public static Duration take(ReentrantLock lock, Duration budget, Consumer<Duration> queued, String targetName,
                                String purpose) throws InterruptedException {
        long waitMillis = Math.max(1, budget.toMillis());
        long asked = System.nanoTime();
        if (!lock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
            queued.accept(Duration.ofNanos(System.nanoTime() - asked));
            throw new DetectionTimeoutException("target '" + targetName + "' stayed busy with another detection for "
                    + waitMillis + " ms; " + purpose + " did not run");
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - asked);
        queued.accept(waited);
        return waited;
    }
}
