package dev.telltale.jvm.events;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventOrderingDetectorTest {
    record OrderEvent(String orderId, long version) {
    }


    private static Finding bySubject(Detection d, String subject) {
        return d.findings().stream().filter(f -> f.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding '" + subject + "' in " + d.findings()));
    }

    @Test
    void eventsDeliveredOutOfOrderFire() throws Exception {
        EventOrderTracker tracker = EventOrderTracker.builder("order-events").build();
        Detector detector = EventDetectors.ordering("app", tracker);
        // order-1: created, paid, shipped arrive as created, shipped, paid (a retry on another partition)
        List<OrderEvent> delivered = List.of(new OrderEvent("order-1", 1), new OrderEvent("order-1", 3),
                new OrderEvent("order-1", 2), new OrderEvent("order-2", 1), new OrderEvent("order-2", 2),
                new OrderEvent("order-2", 2));
        List<EventOrderTracker.Order> seen = new ArrayList<>();
        for (OrderEvent e : delivered) {
            seen.add(tracker.observe(e.orderId(), e.version()));
        }
        assertThat(seen).containsExactly(EventOrderTracker.Order.FIRST, EventOrderTracker.Order.GAP,
                EventOrderTracker.Order.REGRESSION, EventOrderTracker.Order.FIRST, EventOrderTracker.Order.IN_ORDER,
                EventOrderTracker.Order.REPEAT);

        Detection d = DetectorHarness.of(detector).run();

        Finding regression = bySubject(d, "stream order-events regressions");
        assertThat(regression.problem()).isEqualTo(Problem.MESSAGE_OUT_OF_ORDER);
        assertThat(regression.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(regression.evidence()).containsEntry("regressions", 1L).containsEntry("examples", "order-1: 2 after 3");
        Finding gap = bySubject(d, "stream order-events gaps");
        assertThat(gap.severity()).isEqualTo(Severity.WARNING);
        assertThat(gap.evidence()).containsEntry("gaps", 1L).containsEntry("missing-numbers", 1L);
        Finding repeat = bySubject(d, "stream order-events repeats");
        assertThat(repeat.problem()).isEqualTo(Problem.DUPLICATE_EVENT_PROCESSING);
        TelltaleAssertions.assertThat(d).hasSignal("events.order.anomalies", 1, "order-events", "regression");
    }

    @Test
    void inOrderDeliveryFromManyConsumersRaisesNothing() throws Exception {
        EventOrderTracker tracker = EventOrderTracker.builder("accounts").maxEntities(1_000).build();
        Detector detector = EventDetectors.ordering("app", tracker);
        Parallel.parts(4, partition -> {
            // each consumer owns its entities, as partitioning by entity id guarantees
            for (long version = 1; version <= 500; version++) {
                for (int account = partition; account < 400; account += 4) {
                    tracker.observe("account-" + account, version);
                }
            }
        });

        Detection d = DetectorHarness.of(detector).run();

        assertThat(d.findings()).isEmpty();
        assertThat(tracker.drain().entities()).isEqualTo(0 + 400);
    }

    @Test
    void memoryStaysBoundedByTheLruOfEntities() {
        EventOrderTracker tracker = EventOrderTracker.builder("clicks").maxEntities(1_000).build();
        for (int i = 0; i < 100_000; i++) {
            tracker.observe("user-" + i, 1);
        }
        assertThat(tracker.drain().entities()).isLessThanOrEqualTo(1_000);
    }
}
