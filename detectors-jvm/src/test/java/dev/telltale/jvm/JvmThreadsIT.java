package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.JvmThreadsDetector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two real threads deadlocked on breakable locks, interrupted once found so the test JVM stays clean. */
class JvmThreadsIT {

    @Test
    void twoThreadsThatDeadlockAreFound() throws Exception {
        var detector = TelltaleJvm.builder().build().detector(JvmThreadsDetector.ID);
        assertThat(Detect.aboveInfo(Detect.run(detector, Map.of()))).isEmpty();
        ReentrantLock left = new ReentrantLock();
        ReentrantLock right = new ReentrantLock();
        CountDownLatch bothHold = new CountDownLatch(2);
        Thread a = new Thread(() -> crossLock(left, right, bothHold), "ledger-writer-1");
        Thread b = new Thread(() -> crossLock(right, left, bothHold), "ledger-writer-2");
        a.start();
        b.start();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection d = Detect.run(detector, Map.of());
                Finding f = Detect.finding(d, "deadlocked threads: ledger-writer-1 <-> ledger-writer-2").orElseThrow();
                assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                assertThat((String) f.evidence().get("thread.ledger-writer-1")).contains("held by ledger-writer-2")
                        .contains("JvmThreadsIT.crossLock");
                assertThat(Detect.signal(d, "jvm.threads.deadlocked")).isEqualTo(2);
            });
        } finally {
            a.interrupt();
            b.interrupt();
            a.join(10_000);
            b.join(10_000);
        }
        assertThat(a.isAlive() || b.isAlive()).isFalse();
        assertThat(Detect.finding(Detect.run(detector, Map.of()), "deadlocked threads")).isEmpty();
    }

    private static void crossLock(ReentrantLock first, ReentrantLock second, CountDownLatch bothHold) {
        try {
            first.lockInterruptibly();
            try {
                bothHold.countDown();
                bothHold.await();
                second.lockInterruptibly();
                second.unlock();
            } finally {
                first.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPoolMostlyBlockedOnOneMonitorIsCounted() throws Exception {
        var detector = TelltaleJvm.builder().build().detector(JvmThreadsDetector.ID);
        Object monitor = new Object();
        java.util.List<Thread> workers = new java.util.ArrayList<>();
        synchronized (monitor) {
            for (int i = 1; i <= 6; i++) {
                Thread t = new Thread(() -> {
                    synchronized (monitor) {
                        monitor.hashCode();
                    }
                }, "census-worker-" + i);
                t.start();
                workers.add(t);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection d = Detect.run(detector, Map.of());
                Finding f = Detect.finding(d, "threads census-worker: blocked").orElseThrow();
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.evidence()).containsEntry("blocked", 6).containsEntry("threads", 6);
                assertThat(Detect.signal(d, "jvm.threads.blocked")).isGreaterThanOrEqualTo(6);
            });
        }
        for (Thread t : workers) {
            t.join(10_000);
        }
        assertThat(Detect.finding(Detect.run(detector, Map.of()), "census-worker")).isEmpty();
    }

    @Test
    void poolNamesDropTheirTrailingNumber() {
        assertThat(JvmThreadsDetector.poolOf("http-nio-8080-exec-12")).isEqualTo("http-nio-8080-exec");
        assertThat(JvmThreadsDetector.poolOf("pool-3-thread-7")).isEqualTo("pool-3-thread");
        assertThat(JvmThreadsDetector.poolOf("main")).isEqualTo("main");
    }
}
