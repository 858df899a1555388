package dev.telltale.jvm.internal.events;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.PerSourceDetector;

import java.util.List;

/**
 * {@code events.ordering}: reads each {@code EventOrderTracker} once per run. A regression (an older event
 * applied after a newer one) is CRITICAL, a gap a WARNING, a repeated number a WARNING of duplicate
 * processing.
 */
public final class EventOrderingDetector extends PerSourceDetector<OrderCounts.Source> implements EventOrderingDetectorSpec {
    public EventOrderingDetector(String target, List<OrderCounts.Source> trackers) {
        super(SPEC, target, "EventOrderTracker", trackers);
    }

    @Override
    protected void judge(DetectionContext ctx, OrderCounts.Source t, Detection.Builder out) {
        OrderCounts c = t.drain().get();
        String stream = t.name();
        out.signal(EVENTS, c.events(), stream);
        out.signal(ANOMALIES, c.regressions(), stream, "regression");
        out.signal(ANOMALIES, c.gaps(), stream, "gap");
        out.signal(ANOMALIES, c.repeats(), stream, "repeat");
        if (c.regressions() >= ctx.setting(REGRESSIONS_CRITICAL)) {
            out.finding(ctx.finding(Problem.MESSAGE_OUT_OF_ORDER, Severity.CRITICAL, "stream " + stream + " regressions")
                    .summary(c.regressions() + " of " + c.events() + " events of " + stream
                            + " were older than one already applied for the same entity")
                    .evidence("stream", stream)
                    .evidence("regressions", c.regressions())
                    .evidence("events", c.events())
                    .evidence("examples", String.join("; ", c.regressionSamples()))
                    .hint("Events of one entity must share a partition (key by entity id) and one consumer thread; "
                            + "reject or park events older than the stored version instead of applying them."));
        }
        if (c.gaps() >= ctx.setting(GAPS_WARNING)) {
            out.finding(ctx.finding(Problem.MESSAGE_OUT_OF_ORDER, Severity.WARNING, "stream " + stream + " gaps")
                    .summary(c.gaps() + " events of " + stream + " skipped ahead of the next expected number ("
                            + c.missing() + " numbers missing)")
                    .evidence("stream", stream)
                    .evidence("gaps", c.gaps())
                    .evidence("missing-numbers", c.missing())
                    .evidence("events", c.events())
                    .hint("An event was lost, filtered or is arriving late; check the producer's outbox and "
                            + "the consumer's skipped or dead-lettered messages.")
                    .holdFor(ctx.setting(FOR)));
        }
        if (c.repeats() >= ctx.setting(REPEATS_WARNING)) {
            out.finding(ctx.finding(Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING, "stream " + stream + " repeats")
                    .summary(c.repeats() + " events of " + stream + " carried a number already applied")
                    .evidence("stream", stream)
                    .evidence("repeats", c.repeats())
                    .evidence("events", c.events())
                    .hint("Redelivery after a rebalance or a missed ack: skip events whose number is not above "
                            + "the stored one."));
        }
    }
}
