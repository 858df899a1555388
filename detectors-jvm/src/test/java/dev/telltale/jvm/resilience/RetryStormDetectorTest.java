package dev.telltale.jvm.resilience;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Real Resilience4j retries (3 attempts) in front of a flaky dependency, called by 50 threads. */
class RetryStormDetectorTest {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService callers = Executors.newFixedThreadPool(50);

    @AfterEach
    void stopCallers() throws InterruptedException {
        stop.set(true);
        callers.shutdownNow();
        assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static RetryRegistry retries() {
        return RetryRegistry.of(RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(5)).build());
    }

    /** Fails {@code failPerMille} of its calls, deterministically spread. */
    private static Supplier<String> dependency(int failPerMille) {
        AtomicLong n = new AtomicLong();
        return () -> {
            if (n.incrementAndGet() % 1000 < failPerMille) {
                throw new IllegalStateException("inventory service unavailable");
            }
            return "ok";
        };
    }

    private void call(Supplier<String> decorated, int callers) {
        for (int i = 0; i < callers; i++) {
            this.callers.execute(() -> {
                while (!stop.get()) {
                    try {
                        decorated.get();
                    } catch (RuntimeException expected) {
                        // the caller gives up after 3 attempts
                    }
                    try {
                        Thread.sleep(2); // a caller does something between calls
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
    }

    @Test
    void flakyDependencyWithFiftyCallersCrossesTheBudget() throws Exception {
        RetryRegistry registry = retries();
        Retry retry = registry.retry("inventory");
        Detector detector = ResilienceDetectors.retryStorms("app").retryRegistry(registry).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector).build()) {
            engine.bindTo(meters);
            call(Retry.decorateSupplier(retry, dependency(700)), 50);

            Report report = engine.runOnce(Duration.ofSeconds(2));

            assertThat(report.runs()).allSatisfy(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
            Finding f = only(report.findings(), Problem.RETRY_STORM);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.subject()).isEqualTo("retry inventory");
            assertThat(f.evidence()).containsEntry("circuit-breaker", "none");
            assertThat((Long) f.evidence().get("retries")).isGreaterThan((Long) f.evidence().get("budget"));
            assertThat((Double) f.evidence().get("attempts-per-call")).isGreaterThan(1.2);
            assertThat(f.holdFor()).isEqualTo(Duration.ofSeconds(60));
            assertThat(meters.get("telltale.resilience.retry.attempts_per_call").tag("name", "inventory").gauge().value())
                    .isGreaterThan(1.2);
            assertThat(meters.get("telltale.resilience.retry.budget_used").tag("name", "inventory").gauge().value())
                    .isGreaterThan(1);
        }
    }

    @Test
    void retriesAgainstAnOpenBreakerAreCritical() throws Exception {
        RetryRegistry registry = retries();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(5)).build());
        CircuitBreaker breaker = breakers.circuitBreaker("inventory");
        Retry retry = registry.retry("inventory");
        Detector detector = ResilienceDetectors.retryStorms("app").retryRegistry(registry)
                .circuitBreakerRegistry(breakers).build();
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector).build()) {
            call(Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, dependency(1000))), 50);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> breaker.getState() == CircuitBreaker.State.OPEN);

            Report report = engine.runOnce(Duration.ofSeconds(2));

            Finding f = only(report.findings(), Problem.RETRY_STORM);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.evidence()).containsEntry("circuit-breaker", "OPEN");
            assertThat(f.summary()).contains("while its circuit breaker is open");
        }
    }

    @Test
    void healthyRetriesStayWithinTheBudget() throws Exception {
        RetryRegistry registry = retries();
        Retry retry = registry.retry("inventory");
        Detector detector = ResilienceDetectors.retryStorms("app").retry(retry).build();
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector).build()) {
            call(Retry.decorateSupplier(retry, dependency(10)), 50);

            Report report = engine.runOnce(Duration.ofSeconds(2));

            assertThat(report.findings()).noneMatch(f -> f.severity().isAtLeast(Severity.WARNING));
            assertThat(retry.getMetrics().getNumberOfTotalCalls()).isGreaterThan(100);
        }
    }

    @Test
    void otherRetryCodeReportsThroughARecorder() throws Exception {
        RetryStormsBuilder storms = ResilienceDetectors.retryStorms("app");
        Detector detector = storms.build();
        RetryRecorder feign = storms.recorder("feign-payments");
        assertThat(storms.recorder("feign-payments")).isSameAs(feign);
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector).build()) {
            Thread traffic = new Thread(() -> {
                while (!stop.get()) {
                    feign.call();
                    feign.retry();
                    feign.retry();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            traffic.start();
            Report report = engine.runOnce(Duration.ofSeconds(1));
            stop.set(true);
            traffic.join();
            Finding f = only(report.findings(), Problem.RETRY_STORM);
            assertThat(f.subject()).isEqualTo("retry feign-payments");
            assertThat((Double) f.evidence().get("attempts-per-call")).isBetween(2.5, 3.5);
        }
    }

    /** A breaker cycling open and closed under a storm keeps it CRITICAL for the storm's for (60 s), then lets it settle. */
    @Test
    void aBreakerThatClosesAgainKeepsTheStormCriticalForItsFor() throws Exception {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        CircuitBreaker breaker = breakers.circuitBreaker("inventory");
        RetryStormsBuilder storms = ResilienceDetectors.retryStorms("app").circuitBreakerRegistry(breakers);
        RetryRecorder inventory = storms.recorder("inventory");
        dev.telltale.testkit.TestClock clock = new dev.telltale.testkit.TestClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        dev.telltale.testkit.DetectorHarness detector = dev.telltale.testkit.DetectorHarness.of(storms.build()).clock(clock);
        detector.run(); // the baseline
        Supplier<Finding> storm = () -> {
            for (int i = 0; i < 10; i++) {
                inventory.call();
            }
            for (int i = 0; i < 1000; i++) {
                inventory.retry();
            }
            clock.advance(Duration.ofSeconds(20));
            try {
                return only(detector.run().findings(), Problem.RETRY_STORM);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };

        breaker.transitionToOpenState();
        assertThat(storm.get().severity()).isEqualTo(dev.telltale.core.Severity.CRITICAL);
        breaker.transitionToClosedState();
        Finding closed = storm.get();
        assertThat(closed.severity()).as("20 s after the breaker was last seen open").isEqualTo(dev.telltale.core.Severity.CRITICAL);
        assertThat(closed.summary()).endsWith(", its circuit breaker was open 20 s ago");
        assertThat(storm.get().severity()).as("40 s").isEqualTo(dev.telltale.core.Severity.CRITICAL);
        Finding settled = storm.get();
        assertThat(settled.severity()).as("60 s: the for has passed").isEqualTo(dev.telltale.core.Severity.WARNING);
        assertThat(settled.summary()).doesNotContain("circuit breaker");
    }

    private static Finding only(List<Finding> findings, Problem problem) {
        List<Finding> matching = new ArrayList<>(findings.stream().filter(f -> f.problem() == problem).toList());
        assertThat(matching).as("findings of %s in %s", problem, findings).hasSize(1);
        return matching.get(0);
    }
}
