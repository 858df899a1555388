package dev.telltale.core;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DetectorEngineTest {
    private static final SignalSpec WAITING = TestDetector.WAITING;
    private static final SignalSpec TOP = TestDetector.TOP;

    private final List<DetectorEngine> engines = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryAlertListener alerts = new InMemoryAlertListener();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @AfterEach
    void close() {
        engines.forEach(DetectorEngine::close);
    }

    private DetectorEngine engine(Detector... detectors) {
        DetectorEngine e = DetectorEngine.builder().detectors(List.of(detectors)).listener(alerts).clock(clock).jitter(0)
                .build();
        e.bindTo(registry);
        engines.add(e);
        return e;
    }

    /** One report of an engine of {@code d} alone, with its timeout set to {@code timeout}. */
    private Report runOnceWithTimeout(Detector d, String timeout) throws InterruptedException {
        DetectorEngine e = DetectorEngine.builder().detector(d).set(d.id() + ".timeout", timeout).build();
        engines.add(e);
        return e.runOnce(Duration.ZERO);
    }

    private static Finding lockWait(DetectionContext ctx, Severity severity) {
        return ctx.finding(Problem.DATABASE_DEADLOCKS, severity, "pid 4242 blocked by pid 4190")
                .summary("pid 4242 has waited 95 s for a row lock held by pid 4190")
                .evidence("wait_seconds", 95).hint("look at what pid 4190 is doing").build();
    }

    private static double runs(SimpleMeterRegistry registry, String detector, String outcome) {
        Timer t = registry.find("telltale.detector.runs").tag("detector", detector).tag("outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void firesResolvesAndPublishesMetrics() {
        AtomicReference<Severity> present = new AtomicReference<>(Severity.WARNING);
        TestDetector d = new TestDetector("test.locks", Duration.ofMillis(20), ctx -> {
            Severity s = present.get();
            Detection.Builder b = Detection.builder().signal(WAITING, s == null ? 0 : 3);
            if (s != null) {
                b.finding(lockWait(ctx, s));
            }
            return b.build();
        });
        engine(d).start();

        await().untilAsserted(() -> assertThat(alerts.firing()).singleElement()
                .satisfies(a -> assertThat(a.finding().subject()).isEqualTo("pid 4242 blocked by pid 4190")));
        await().untilAsserted(() -> {
            Gauge active = registry.find("telltale.findings.active").tag("detector", "test.locks")
                    .tag("problem", "performance/database-deadlocks").tag("severity", "warning").tag("target", "local").gauge();
            assertThat(active).isNotNull();
            assertThat(active.value()).isEqualTo(1.0);
            Gauge waiting = registry.find("telltale.test.waiting.sessions").tag("target", "local").gauge();
            assertThat(waiting.value()).isEqualTo(3.0);
            assertThat(waiting.getId().getDescription()).isEqualTo("Sessions waiting on a lock");
            assertThat(waiting.getId().getBaseUnit()).isEqualTo("sessions");
        });
        assertThat(registry.find("telltale.finding.transitions").tag("state", "firing").tag("severity", "warning")
                .counter().count()).isEqualTo(1.0);

        present.set(Severity.CRITICAL);
        await().untilAsserted(() -> assertThat(registry.find("telltale.findings.active").tag("severity", "critical")
                .gauge().value()).isEqualTo(1.0));
        assertThat(registry.find("telltale.findings.active").tag("severity", "warning").gauge().value()).isZero();

        present.set(null);
        await().untilAsserted(() -> assertThat(alerts.resolved()).hasSize(1));
        assertThat(alerts.firing()).isEmpty();
        assertThat(registry.find("telltale.findings.active").tag("severity", "critical").gauge().value()).isZero();
        assertThat(registry.find("telltale.finding.transitions").tag("state", "resolved").counter().count()).isEqualTo(1.0);
        assertThat(runs(registry, "test.locks", "ok")).isGreaterThan(3);
    }

    @Test
    void forDurationKeepsAFindingPendingUntilHeldOnTheEnginesClock() {
        TestDetector d = new TestDetector("test.locks", Duration.ofMillis(20),
                ctx -> Detection.builder().finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.WARNING, "s")
                        .summary("waiting").holdFor(Duration.ofMinutes(1))).build());
        DetectorEngine e = engine(d);
        e.start();
        await().untilAsserted(() -> assertThat(e.activeAlerts()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.PENDING)));
        int before = d.calls.get();
        await().until(() -> d.calls.get() > before + 3);
        assertThat(alerts.firing()).as("the clock has not moved").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        await().untilAsserted(() -> assertThat(alerts.firing()).hasSize(1));
    }

    @Test
    void aThrowingDetectorIsAnErrorAndDoesNotStopOthers() {
        TestDetector broken = new TestDetector("test.broken", Duration.ofMillis(20), ctx -> {
            throw new IllegalStateException("relation pg_stat_statements does not exist");
        });
        TestDetector healthy = new TestDetector("test.healthy", Duration.ofMillis(20), ctx -> Detection.nothing());
        DetectorEngine e = engine(broken, healthy);
        e.start();
        await().untilAsserted(() -> {
            assertThat(runs(registry, "test.broken", "error")).isGreaterThanOrEqualTo(3);
            assertThat(runs(registry, "test.healthy", "ok")).isGreaterThanOrEqualTo(3);
        });
        assertThat(e.lastRuns()).filteredOn(r -> r.detector().equals("test.broken")).singleElement()
                .satisfies(r -> assertThat(r.outcome().reason())
                        .isEqualTo("IllegalStateException: relation pg_stat_statements does not exist"));
    }

    @Test
    void aHangingDetectorTimesOutAndNeverOverlapsItself() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        TestDetector hanging = new TestDetector("test.hanging", Duration.ofMillis(20), ctx -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                // ignores interrupts the first time, as a badly written detector would
                try {
                    never.await();
                } catch (InterruptedException e) {
                    never.await();
                }
                return Detection.nothing();
            } finally {
                concurrent.decrementAndGet();
            }
        });
        TestDetector healthy = new TestDetector("test.healthy", Duration.ofMillis(20), ctx -> Detection.nothing());
        DetectorEngine e = DetectorEngine.builder().detector(hanging).detector(healthy).jitter(0)
                .set("test.hanging.timeout", "100ms").build();
        e.bindTo(registry);
        engines.add(e);
        e.start();
        await().untilAsserted(() -> {
            assertThat(runs(registry, "test.hanging", "timeout")).isGreaterThanOrEqualTo(1);
            assertThat(runs(registry, "test.hanging", "skipped")).as("later runs see the hung one").isGreaterThanOrEqualTo(2);
            assertThat(runs(registry, "test.healthy", "ok")).isGreaterThanOrEqualTo(5);
        });
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(hanging.calls.get()).isEqualTo(1);
        never.countDown();
        await().untilAsserted(() -> assertThat(hanging.calls.get()).isGreaterThan(1));
    }

    @Test
    void aSkippedDetectorSaysWhy() {
        TestDetector skipped = new TestDetector("test.skipped", Duration.ofMillis(20),
                ctx -> Detection.skipped("grant pg_monitor to app"));
        TestDetector throwsSkip = new TestDetector("test.skipped2", Duration.ofMillis(20), ctx -> {
            throw new DetectionSkippedException("create extension pg_stat_statements");
        });
        DetectorEngine e = engine(skipped, throwsSkip);
        e.start();
        await().untilAsserted(() -> {
            assertThat(runs(registry, "test.skipped", "skipped")).isGreaterThanOrEqualTo(1);
            assertThat(runs(registry, "test.skipped2", "skipped")).isGreaterThanOrEqualTo(1);
        });
        assertThat(e.lastRuns()).extracting(r -> r.outcome().reason())
                .containsExactlyInAnyOrder("grant pg_monitor to app", "create extension pg_stat_statements");
    }

    /** Not applicable is by design: its own tag value, and neither a skip nor a reason for UNKNOWN, even with strict. */
    @Test
    void aDetectorThatDoesNotApplyIsNeitherSkippedNorBlind() throws Exception {
        TestDetector cluster = new TestDetector("test.cluster", Duration.ofMinutes(1), ctx -> {
            throw new DetectionNotApplicableException("127.0.0.1:6379 is not a cluster node (cluster_enabled:0)");
        });
        DetectorEngine e = engine(cluster);
        Report report = e.runOnce(Duration.ZERO);
        assertThat(report.runs()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(new Outcome.NotApplicable("127.0.0.1:6379 is not a cluster node (cluster_enabled:0)"));
            assertThat(r.outcome().notLooking()).isFalse();
        });
        assertThat(report.skipped()).isEmpty();
        assertThat(report.status(true)).isEqualTo(Report.Status.OK);
        assertThat(runs(registry, "test.cluster", "not-applicable")).isPositive();
        assertThat(registry.find("telltale.detector.runs").tag("outcome", "skipped").timer()).isNull();
        assertThat(new Outcome.Skipped("grant pg_monitor").notLooking()).isTrue();
    }

    @Test
    void staleSignalSeriesAreRemoved() {
        AtomicInteger tables = new AtomicInteger(3);
        TestDetector d = new TestDetector("test.tables", Duration.ofMillis(20), ctx -> {
            Detection.Builder b = Detection.builder();
            for (int rank = 1; rank <= tables.get(); rank++) {
                b.signal(TOP, 1000.0 / rank, String.valueOf(rank));
            }
            return b.build();
        });
        engine(d).start();
        await().untilAsserted(() -> assertThat(registry.find("telltale.test.table.dead").gauges()).hasSize(3));
        tables.set(1);
        await().untilAsserted(() -> assertThat(registry.find("telltale.test.table.dead").gauges()).hasSize(1));
        assertThat(registry.find("telltale.test.table.dead").tag("rank", "1").gauge().value()).isEqualTo(1000.0);
    }

    @Test
    void oneTagKeySetPerSignalName() {
        SignalSpec clash = TestDetector.CLASH;
        TestDetector a = new TestDetector("test.a", Duration.ofMillis(20), ctx -> Detection.builder().signal(WAITING, 1).build());
        TestDetector b = new TestDetector("test.b", Duration.ofMillis(20), java.util.List.of(clash),
                ctx -> Detection.builder().signal(clash, 1, "x").build());
        DetectorEngine e = engine(a, b);
        e.start();
        await().until(() -> a.calls.get() > 3 && b.calls.get() > 3);
        // whichever ran first owns the name; the other's runs fail with a reason, never registering beside it
        assertThat(registry.find("telltale.test.waiting.sessions").gauges()).hasSize(1);
        assertThat(runs(registry, "test.a", "error") + runs(registry, "test.b", "error")).isGreaterThan(0);
        assertThat(e.lastRuns()).anySatisfy(r -> assertThat(r.outcome().reason())
                .contains("signal 'test.waiting.sessions' is published with tag keys"));
    }

    @Test
    void disabledDetectorsDoNotRun() {
        TestDetector off = new TestDetector("test.off", Duration.ofMillis(20), ctx -> Detection.nothing());
        TestDetector on = new TestDetector("test.on", Duration.ofMillis(20), ctx -> Detection.nothing());
        DetectorEngine e = DetectorEngine.builder().detector(off).detector(on).set("test.off.enabled", "false").build();
        engines.add(e);
        e.start();
        await().until(() -> on.calls.get() >= 3);
        assertThat(off.calls.get()).isZero();
    }

    @Test
    void runOnceSamplesTwiceAndReportsTheSecondPass() throws Exception {
        AtomicInteger counter = new AtomicInteger();
        List<Boolean> baselineFlags = new ArrayList<>();
        TestDetector delta = new TestDetector("test.delta", Duration.ofMinutes(1), ctx -> {
            synchronized (baselineFlags) {
                baselineFlags.add(ctx.baselinePass());
            }
            int now = counter.addAndGet(5);
            if (ctx.baselinePass()) {
                return Detection.nothing();
            }
            return Detection.builder().finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.CRITICAL, "database shop")
                    .summary("deadlocks went up by 5").evidence("total", now).holdFor(Duration.ofMinutes(5))).build();
        });
        TestDetector broken = new TestDetector("test.broken", Duration.ofMinutes(1), ctx -> {
            throw new java.sql.SQLException("connection refused");
        });
        TestDetector skipped = new TestDetector("test.skipped", Duration.ofMinutes(1), ctx -> Detection.skipped("not on a replica"));
        DetectorEngine e = engine(delta, broken, skipped);
        Report report = e.runOnce(Duration.ofMillis(50));
        assertThat(baselineFlags).containsExactly(true, false);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.evidence()).containsEntry("total", 10);
        });
        // seen in one pass only, its 5 min 'for' has not passed: pending, and the failed run makes it UNKNOWN
        assertThat(report.pending(report.findings().get(0))).isTrue();
        assertThat(report.status()).isEqualTo(Report.Status.UNKNOWN);
        assertThat(report.ignoringHold().status()).isEqualTo(Report.Status.CRITICAL);
        assertThat(report.runs()).extracting(r -> r.detector() + ":" + r.outcome().kind())
                .containsExactlyInAnyOrder("test.delta:ok", "test.broken:error", "test.skipped:skipped");
        assertThat(report.runsNotOk()).hasSize(2);
        assertThat(alerts.transitions()).as("one-shot reports do not drive alerts").isEmpty();
        e.start();
        assertThatThrownBy(() -> e.runOnce(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aOneShotReportHoldsFindingsForTheirForOnTheEngineClock() throws Exception {
        // the baseline pass moves the fake clock by 2 min: what both passes saw was seen for 2 min
        TestDetector slowCache = new TestDetector("test.cache", Duration.ofMinutes(1), ctx -> {
            if (ctx.baselinePass()) {
                clock.advance(Duration.ofMinutes(2));
            }
            return Detection.builder()
                    .finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.WARNING, "held 1 min").summary("s")
                            .holdFor(Duration.ofMinutes(1)))
                    .finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.CRITICAL, "held 5 min").summary("s")
                            .holdFor(Duration.ofMinutes(5)))
                    .build();
        });
        Report report = engine(slowCache).runOnce(Duration.ZERO);
        Finding shortHold = report.findings().stream().filter(f -> f.subject().equals("held 1 min")).findFirst().orElseThrow();
        Finding longHold = report.findings().stream().filter(f -> f.subject().equals("held 5 min")).findFirst().orElseThrow();
        assertThat(report.seenFor(shortHold)).isEqualTo(Duration.ofMinutes(2));
        assertThat(report.pending(shortHold)).isFalse();
        assertThat(report.pending(longHold)).isTrue();
        assertThat(report.status()).as("the critical one is still pending").isEqualTo(Report.Status.WARNING);
        assertThat(report.ignoringHold().status()).isEqualTo(Report.Status.CRITICAL);
    }

    @Test
    void aDetectionThatMissesItsDeadlineInsideIsATimeoutNotAnError() throws Exception {
        TestDetector cancelled = new TestDetector("test.cancelled", Duration.ofMinutes(1), ctx -> {
            throw new DetectionTimeoutException("query x was cancelled by its statement timeout");
        });
        Report report = runOnceWithTimeout(cancelled, "2s");
        assertThat(report.runs()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isInstanceOf(Outcome.TimedOut.class);
            assertThat(r.outcome().kind()).isEqualTo("timeout");
            assertThat(r.outcome().reason()).isEqualTo("no result within 2s");
        });
    }

    @Test
    void runOnceTimesOutAHangingDetector() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TestDetector hanging = new TestDetector("test.hanging", Duration.ofMinutes(1), ctx -> {
            never.await();
            return Detection.nothing();
        });
        Report report = runOnceWithTimeout(hanging, "100ms");
        assertThat(report.runs()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isInstanceOf(Outcome.TimedOut.class);
            assertThat(r.outcome().reason()).isEqualTo("no result within 100ms");
        });
        assertThat(report.status()).isEqualTo(Report.Status.UNKNOWN);
    }

    @Test
    void aThrowingListenerDoesNotStopOthers() {
        InMemoryAlertListener second = new InMemoryAlertListener();
        TestDetector d = new TestDetector("test.locks", Duration.ofMillis(20),
                ctx -> Detection.builder().finding(lockWait(ctx, Severity.WARNING)).build());
        DetectorEngine e = DetectorEngine.builder().detector(d).jitter(0)
                .listener(new AlertListener() {
                    @Override
                    public void onFiring(Alert alert) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .listener(second).build();
        engines.add(e);
        e.start();
        await().untilAsserted(() -> assertThat(second.firing()).hasSize(1));
    }

    @Test
    void rejectsTwoDetectorsWithOneIdOnOneTarget() {
        TestDetector a = new TestDetector("test.same", Duration.ofSeconds(1), ctx -> Detection.nothing());
        TestDetector b = new TestDetector("test.same", Duration.ofSeconds(1), ctx -> Detection.nothing());
        assertThatThrownBy(() -> DetectorEngine.builder().detector(a).detector(b).build())
                .hasMessage("two detectors with id test.same on target local");
    }
}
