package dev.telltale.jvm.requests;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * {@code requests.duplicates}: reads each {@link IdempotencyTracker} once per run. A key used twice while
 * the first use is in flight is CRITICAL; replays above {@code replay-rate.warning} of requests are a
 * WARNING (for events, any replay); requests without a key are reported as INFO.
 */
public final class DuplicateRequestsDetector implements Detector {
    public static final String ID = "requests.duplicates";

    public static final Setting<Long> CONCURRENT_CRITICAL = Setting.count("concurrent.critical", 1,
            "Concurrent uses of one key in a run that make a CRITICAL finding.");
    public static final Setting<Double> REPLAY_RATE_WARNING = Setting.ratio("replay-rate.warning", 0.05,
            "Share of requests that replay a finished key above which a WARNING is raised.");
    public static final Setting<Long> MIN_REQUESTS = Setting.count("min-requests", 20,
            "Requests needed in a run before the replay rate is judged.");
    public static final Setting<Duration> FOR = Setting.duration("for", Duration.ZERO,
            "How long the replay rate must stay high before the finding fires.");

    static final SignalSpec USES = SignalSpec.of("requests.idempotent.uses", "requests",
            "Uses of idempotency keys in the last run.", "operation");
    static final SignalSpec DUPLICATES = SignalSpec.of("requests.idempotent.duplicates", "requests",
            "Uses of a key in the last run that were duplicates, by kind (concurrent, replay).", "operation", "kind");
    static final SignalSpec MISSING = SignalSpec.of("requests.idempotent.missing_key", "requests",
            "State-changing requests without an idempotency key in the last run.", "operation");

    private final String target;
    private final List<IdempotencyTracker> trackers;

    private DuplicateRequestsDetector(String target, List<IdempotencyTracker> trackers) {
        this.target = target;
        this.trackers = trackers;
    }

    public static DuplicateRequestsDetector of(String target, IdempotencyTracker... trackers) {
        Objects.requireNonNull(target, "target");
        if (trackers.length == 0) {
            throw new IllegalArgumentException("requests.duplicates needs at least one IdempotencyTracker");
        }
        return new DuplicateRequestsDetector(target, List.of(trackers));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public Set<Problem> problems() {
        return Set.of(Problem.DOUBLE_CHARGE_PAYMENT, Problem.DUPLICATE_ORDERS, Problem.DUPLICATE_EVENT_PROCESSING);
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(CONCURRENT_CRITICAL, REPLAY_RATE_WARNING, MIN_REQUESTS, FOR);
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        Detection.Builder out = Detection.builder();
        for (IdempotencyTracker t : trackers) {
            IdempotencyTracker.Counts c = t.drain();
            String op = t.name();
            out.signal(USES, c.uses(), op);
            out.signal(DUPLICATES, c.concurrentDuplicates(), op, "concurrent");
            out.signal(DUPLICATES, c.replays(), op, "replay");
            out.signal(MISSING, c.missingKeys(), op);
            boolean events = t.kind() == IdempotencyTracker.Kind.EVENTS;
            long concurrentLimit = Math.max(1, ctx.setting(CONCURRENT_CRITICAL));
            if (c.concurrentDuplicates() >= concurrentLimit) {
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
        return out.build();
    }
}
