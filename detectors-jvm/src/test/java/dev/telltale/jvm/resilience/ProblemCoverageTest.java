package dev.telltale.jvm.resilience;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.jvm.cache.CacheDetectors;
import dev.telltale.jvm.events.EventDetectors;
import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.http.HttpDetectors;
import dev.telltale.jvm.http.ThrottlingRecorder;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.keys.KeysDetectors;
import dev.telltale.jvm.requests.IdempotencyTracker;
import dev.telltale.jvm.requests.RequestDetectors;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalogue rows this part of detectors-jvm serves, and settings every detector can resolve. */
class ProblemCoverageTest {
    static List<Detector> detectors() {
        return List.of(
                ResilienceDetectors.retryStorms("t").build(),
                ResilienceDetectors.circuitBreakers("t").build(),
                CacheDetectors.stampedes("t").build(),
                KeysDetectors.hotKeys("t", HotKeys.builder("k").build()),
                RequestDetectors.duplicates("t", IdempotencyTracker.forRequests("r").build()),
                EventDetectors.ordering("t", EventOrderTracker.builder("e").build()),
                HttpDetectors.throttling("t", new ThrottlingRecorder()));
    }

    @Test
    void theDetectorsServeTheirCatalogueRows() {
        Set<Problem> served = new HashSet<>();
        detectors().forEach(d -> served.addAll(d.spec().problems()));
        assertThat(served).contains(Problem.RETRY_STORM, Problem.CIRCUIT_BREAKER_FAILURE, Problem.CASCADING_FAILURES,
                Problem.THUNDERING_HERD, Problem.HOT_PARTITION, Problem.DOUBLE_CHARGE_PAYMENT, Problem.DUPLICATE_ORDERS,
                Problem.DUPLICATE_EVENT_PROCESSING, Problem.MESSAGE_OUT_OF_ORDER, Problem.CDN_LIMITS);
        assertThat(detectors()).extracting(Detector::id).containsExactly("resilience.retry-storm",
                "resilience.circuit-breaker", "cache.stampede", "keys.hot-keys", "requests.duplicates",
                "events.ordering", "http.throttling");
    }

    @Test
    void everyDefaultResolves() {
        for (Detector d : detectors()) {
            DetectorSettings s = DetectorSettings.resolve(d, Map.of());
            assertThat(s.names()).contains("enabled", "interval", "timeout");
        }
    }
}
