package dev.telltale.jvm.resilience;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.DetectorHarness;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real Resilience4j breakers driven by failing and succeeding calls. */
class CircuitBreakerDetectorTest {
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread traffic;

    @AfterEach
    void stopTraffic() throws InterruptedException {
        stop.set(true);
        if (traffic != null) {
            traffic.join(30_000);
        }
    }


    private static void fail(CircuitBreaker cb) {
        try {
            cb.executeRunnable(() -> {
                throw new IllegalStateException("payments provider timed out");
            });
        } catch (RuntimeException expected) {
            // a failed or rejected call
        }
    }

    private static void succeed(CircuitBreaker cb) {
        cb.executeRunnable(() -> { });
    }

    private static Optional<Finding> finding(Detection d, String subject) {
        return d.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }

    @Test
    void aBreakerThatOpensThreeTimesInTheWindowIsFlapping() throws Exception {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(100)).permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true).build());
        Detector detector = ResilienceDetectors.circuitBreakers("app").registry(registry).build();
        // created after the detector: the registry's entry-added event brings it in
        CircuitBreaker cb = registry.circuitBreaker("payments");

        for (int cycle = 0; cycle < 3; cycle++) {
            while (cb.getState() != CircuitBreaker.State.OPEN) {
                fail(cb);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> cb.getState() == CircuitBreaker.State.HALF_OPEN);
        }
        succeed(cb);
        succeed(cb);
        assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        Detection d = DetectorHarness.of(detector).reportPass();

        Finding f = finding(d, "circuit breaker payments flapping").orElseThrow();
        assertThat(f.problem()).isEqualTo(Problem.CIRCUIT_BREAKER_FAILURE);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence()).containsEntry("opens", 3).containsEntry("state", "CLOSED").containsEntry("wait-in-open", "100ms");
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("resilience.circuitbreaker.opens");
            assertThat(s.value()).isEqualTo(3);
        });
        assertThat(d.findings()).noneMatch(x -> x.subject().contains("stuck"));
    }

    @Test
    void aBreakerHeldOpenUnderTrafficIsStuckOpen() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of("payments", CircuitBreakerConfig.custom()
                .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(100)).permittedNumberOfCallsInHalfOpenState(1).build());
        Detector detector = ResilienceDetectors.circuitBreakers("app").circuitBreaker(cb).build();
        traffic = new Thread(() -> {
            while (!stop.get()) {
                fail(cb); // the provider stays down: every half-open probe fails
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        traffic.start();
        DetectorHarness.of(detector).baselinePass();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Detection d = DetectorHarness.of(detector).reportPass();
            Optional<Finding> stuck = finding(d, "circuit breaker payments stuck open");
            assertThat(stuck).as("findings %s", d.findings()).isPresent();
            Finding f = stuck.get();
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat((Long) f.evidence().get("rejected")).isPositive();
            assertThat(f.evidence()).containsEntry("wait-in-open", "100ms");
        });
    }

    @Test
    void anIdleOpenBreakerIsNotStuck() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of("reports", CircuitBreakerConfig.custom()
                .slidingWindowSize(2).minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofMillis(50)).build());
        Detector detector = ResilienceDetectors.circuitBreakers("app").circuitBreaker(cb).build();
        fail(cb);
        fail(cb);
        assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);

        Detection d = DetectorHarness.of(detector).reportPass();

        assertThat(finding(d, "circuit breaker reports stuck open")).isEmpty();
        Finding open = finding(d, "circuit breaker reports open").orElseThrow();
        assertThat(open.problem()).isEqualTo(Problem.CASCADING_FAILURES);
        assertThat(open.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void aBreakerWhoseWindowNeverFillsIsStuckClosed() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of("search", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED).slidingWindowSize(60)
                .minimumNumberOfCalls(100).failureRateThreshold(50).build());
        Detector detector = ResilienceDetectors.circuitBreakers("app").circuitBreaker(cb).build();
        for (int i = 0; i < 10; i++) {
            if (i < 8) {
                fail(cb);
            } else {
                succeed(cb);
            }
        }
        assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        Detection d = DetectorHarness.of(detector).reportPass();

        Finding f = finding(d, "circuit breaker search stuck closed").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence()).containsEntry("failure-rate", 80.0).containsEntry("buffered-calls", 10)
                .containsEntry("minimum-calls", 100);
        assertThat(f.holdFor()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void healthyBreakersRaiseNothing() throws Exception {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        CircuitBreaker a = registry.circuitBreaker("a");
        CircuitBreaker b = registry.circuitBreaker("b");
        Detector detector = ResilienceDetectors.circuitBreakers("app").registry(registry).build();
        DetectorHarness.of(detector).baselinePass();
        for (int i = 0; i < 500; i++) {
            succeed(a);
            if (i % 50 == 0) {
                fail(b); // 2 % errors
            } else {
                succeed(b);
            }
        }

        Detection d = DetectorHarness.of(detector).reportPass();

        assertThat(d.findings()).isEmpty();
        assertThat(d.signals()).hasSize(6);
        assertThat(List.of(a.getState(), b.getState())).containsOnly(CircuitBreaker.State.CLOSED);
    }
}
