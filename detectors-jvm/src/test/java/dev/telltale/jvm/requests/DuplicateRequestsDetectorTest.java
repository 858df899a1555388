package dev.telltale.jvm.requests;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.Parallel;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.TelltaleAssertions;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DuplicateRequestsDetectorTest {


    /** One run of the duplicates detector over {@code trackers}, as the engine makes it. */
    private static Detection detect(IdempotencyTracker... trackers) throws Exception {
        return DetectorHarness.of(RequestDetectors.duplicates("app", trackers)).run();
    }

    @Test
    void twoConcurrentRequestsWithOneKeyAreADoubleChargeInTheMaking() throws Exception {
        IdempotencyTracker payments = IdempotencyTracker.forRequests("payments").build();
        CountDownLatch firstCharging = new CountDownLatch(1);
        CountDownLatch secondArrived = new CountDownLatch(1);
        ExecutorService requests = Executors.newFixedThreadPool(2);
        try {
            // a double click: the second request arrives while the first is still talking to the provider
            Future<IdempotencyTracker.Seen> first = requests.submit(() -> {
                try (IdempotencyTracker.Use use = payments.begin("pi_3MtwBwLkdIwHu7ix28a3tqPa")) {
                    firstCharging.countDown();
                    assertThat(secondArrived.await(30, TimeUnit.SECONDS)).isTrue();
                    return use.seen();
                }
            });
            assertThat(firstCharging.await(30, TimeUnit.SECONDS)).isTrue();
            Future<IdempotencyTracker.Seen> second = requests.submit(() -> {
                try (IdempotencyTracker.Use use = payments.begin("pi_3MtwBwLkdIwHu7ix28a3tqPa")) {
                    secondArrived.countDown();
                    return use.seen();
                }
            });
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(IdempotencyTracker.Seen.CONCURRENT_DUPLICATE);
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(IdempotencyTracker.Seen.FIRST);
        } finally {
            requests.shutdownNow();
        }

        Detection d = detect(payments);

        Finding f = assertThat(d.findings()).singleElement().actual();
        assertThat(f.problem()).isEqualTo(Problem.DOUBLE_CHARGE_PAYMENT);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("operation payments concurrent duplicates");
        assertThat(f.evidence()).containsEntry("concurrent-duplicates", 1L).containsEntry("uses", 2L)
                .containsEntry("keys", "pi_3MtwBwLkdIwHu7ix28a3tqPa");
        TelltaleAssertions.assertThat(d).hasSignal("requests.idempotent.duplicates", 1, "payments", "concurrent");
    }

    @Test
    void replaysAboveFivePercentAreAWarningAndMissingKeysAreCounted() throws Exception {
        IdempotencyTracker orders = IdempotencyTracker.forRequests("orders").build();
        for (int i = 0; i < 100; i++) {
            orders.track("order-" + i, () -> "created");
        }
        for (int i = 0; i < 10; i++) {
            assertThat(orders.begin("order-" + i).seen()).isEqualTo(IdempotencyTracker.Seen.REPLAY);
        }
        orders.missingKey();
        orders.missingKey();

        Detection d = detect(orders);

        Finding replay = d.findings().stream().filter(f -> f.subject().equals("operation orders replays")).findFirst().orElseThrow();
        assertThat(replay.problem()).isEqualTo(Problem.DUPLICATE_ORDERS);
        assertThat(replay.severity()).isEqualTo(Severity.WARNING);
        assertThat(replay.evidence()).containsEntry("replays", 10L).containsEntry("uses", 110L);
        Finding missing = d.findings().stream().filter(f -> f.subject().equals("operation orders without key")).findFirst().orElseThrow();
        assertThat(missing.severity()).isEqualTo(Severity.INFO);
        assertThat(missing.evidence()).containsEntry("missing-keys", 2L);
    }

    @Test
    void aRedeliveredEventIsDuplicateProcessing() throws Exception {
        IdempotencyTracker events = IdempotencyTracker.forEvents("order-events").build();
        events.track("evt-1", () -> 1);
        events.track("evt-2", () -> 1);
        events.track("evt-1", () -> 1);

        Detection d = detect(events);

        assertThat(d.findings()).singleElement().satisfies(f -> {
            assertThat(f.problem()).isEqualTo(Problem.DUPLICATE_EVENT_PROCESSING);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence()).containsEntry("replays", 1L);
        });
    }

    @Test
    void healthyTrafficRaisesNothingAboveInfo() throws Exception {
        IdempotencyTracker payments = IdempotencyTracker.forRequests("payments").build();
        Parallel.parts(8, part -> {
            for (int i = 0; i < 10_000; i++) {
                payments.track("pi_" + part + "_" + i, () -> "charged");
            }
        });

        Detection d = detect(payments);

        assertThat(d.findings()).isEmpty();
    }

    @Test
    void memoryIsBoundedByMaxKeysAndTtlForgetsOldKeys() {
        IdempotencyTracker small = IdempotencyTracker.forRequests("small").maxKeys(1_000).ttl(Duration.ofMillis(1)).build();
        for (int i = 0; i < 100_000; i++) {
            small.track("k" + i, () -> 0);
        }
        assertThat(small.drain().remembered()).isLessThanOrEqualTo(1_000);
        small.track("again", () -> 0);
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(20)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(small.begin("again").seen()).isEqualTo(IdempotencyTracker.Seen.FIRST);
        assertThatThrownBy(() -> IdempotencyTracker.forRequests("x").maxKeys(2)).hasMessageContaining("maxKeys").hasMessageContaining("2");
        assertThatThrownBy(() -> IdempotencyTracker.forRequests("x").ttl(Duration.ZERO)).hasMessageContaining("ttl");
    }
}
