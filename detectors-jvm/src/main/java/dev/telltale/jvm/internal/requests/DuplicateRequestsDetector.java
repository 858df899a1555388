package dev.telltale.jvm.internal.requests;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.PerSourceDetector;
import dev.telltale.jvm.requests.IdempotencyTracker;

import java.util.List;
import java.util.Locale;

/**
 * {@code requests.duplicates}: reads each {@code IdempotencyTracker} once per run. A key used twice while
 * the first use is in flight is CRITICAL; replays above {@code replay-rate.warning} of requests are a
 * WARNING (for events, any replay); requests without a key are reported as INFO.
 */
public final class DuplicateRequestsDetector extends PerSourceDetector<IdempotencyCounts.Source> implements DuplicateRequestsDetectorSpec {
    public DuplicateRequestsDetector(String target, List<IdempotencyCounts.Source> trackers) {
        super(SPEC, target, "IdempotencyTracker", trackers);
    }

    @Override
    protected void judge(DetectionContext ctx, IdempotencyCounts.Source t, Detection.Builder out) {
        IdempotencyCounts c = t.drain().get();
        String op = t.name();
        out.signal(USES, c.uses(), op);
        out.signal(DUPLICATES, c.concurrentDuplicates(), op, "concurrent");
        out.signal(DUPLICATES, c.replays(), op, "replay");
        out.signal(MISSING, c.missingKeys(), op);
        boolean events = t.kind() == IdempotencyTracker.Kind.EVENTS;
        if (c.concurrentDuplicates() >= ctx.setting(CONCURRENT_CRITICAL)) {
            out.finding(ctx.finding(events ? Problem.DUPLICATE_EVENT_PROCESSING : Problem.DOUBLE_CHARGE_PAYMENT,
                            Severity.CRITICAL, (events ? "events " : "operation ") + op + " concurrent duplicates")
                    .summary(String.format(Locale.ROOT, "%d %s used an idempotency key that was still in flight: "
                                    + "two executions of one %s raced", c.concurrentDuplicates(),
                            events ? "deliveries" : "requests", events ? "event" : "request"))
                    .evidence("operation", op)
                    .evidence("concurrent-duplicates", c.concurrentDuplicates())
                    .evidence("uses", c.uses())
                    .evidence("keys", String.join(", ", c.concurrentKeys()))
                    .hint("Make the key check atomic with the work (unique constraint or SET NX on the key "
                            + "before charging) and reject or wait on the second request; check the payment provider's "
                            + "records for these keys."));
        }
        if (events && c.replays() > 0) {
            out.finding(ctx.finding(Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING, "events " + op + " replays")
                    .summary(String.format(Locale.ROOT, "%d of %d events were handled again after they had finished",
                            c.replays(), c.uses()))
                    .evidence("operation", op)
                    .evidence("replays", c.replays())
                    .evidence("uses", c.uses())
                    .hint("The broker redelivered (consumer restart, rebalance, ack timeout): make the handler "
                            + "idempotent or record processed event ids in the same transaction as the effect.")
                    .holdFor(ctx.setting(FOR)));
        } else if (!events && c.uses() >= ctx.setting(MIN_REQUESTS)) {
            double rate = (double) c.replays() / c.uses();
            if (rate > ctx.setting(REPLAY_RATE_WARNING)) {
                out.finding(ctx.finding(Problem.DUPLICATE_ORDERS, Severity.WARNING, "operation " + op + " replays")
                        .summary(String.format(Locale.ROOT, "%.1f %% of %s requests replayed a finished idempotency key",
                                100 * rate, op))
                        .evidence("operation", op)
                        .evidence("replays", c.replays())
                        .evidence("uses", c.uses())
                        .evidence("replay-rate", Math.round(rate * 10000) / 10000.0)
                        .hint("Clients resubmit (double clicks, timeouts followed by retries): check that replays "
                                + "return the stored result and never run the work again.")
                        .holdFor(ctx.setting(FOR)));
            }
        }
        if (c.missingKeys() > 0) {
            out.finding(ctx.finding(events ? Problem.DUPLICATE_EVENT_PROCESSING : Problem.DUPLICATE_ORDERS,
                            Severity.INFO, (events ? "events " : "operation ") + op + " without key")
                    .summary(c.missingKeys() + " state-changing " + op + " requests carried no idempotency key")
                    .evidence("operation", op)
                    .evidence("missing-keys", c.missingKeys())
                    .hint("Without a key a retried request cannot be told from a new one; require the header."));
        }
    }
}
