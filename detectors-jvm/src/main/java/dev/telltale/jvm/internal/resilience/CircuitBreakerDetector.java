package dev.telltale.jvm.internal.resilience;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.InProcessDetector;
import dev.telltale.jvm.internal.Texts;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code resilience.circuit-breaker}: the failures of the breakers themselves, from Resilience4j's events
 * (its meters only show the current state, and a scrape misses an OPEN, HALF_OPEN, OPEN cycle):
 * <ul>
 * <li>flapping: {@code flapping.opens} transitions into OPEN within {@code flapping.window};</li>
 * <li>stuck open: not CLOSED for more than {@code stuck-open.multiple} times the breaker's wait duration
 *     in OPEN while calls are still being rejected (an idle breaker does not page);</li>
 * <li>stuck closed: CLOSED with a failure rate above the breaker's threshold that it never acts on
 *     because its window never holds {@code minimumNumberOfCalls} calls;</li>
 * <li>open: an OPEN breaker means a dependency is failing and callers are cut off (cascading failures).</li>
 * </ul>
 */
public final class CircuitBreakerDetector extends InProcessDetector implements CircuitBreakerDetectorSpec {
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();

    /** Watches {@code breakers} and every breaker of {@code registries}, including those created later. */
    public CircuitBreakerDetector(String target, List<CircuitBreaker> breakers, List<CircuitBreakerRegistry> registries) {
        super(SPEC, Objects.requireNonNull(target, "target"));
        breakers.forEach(this::watch);
        for (CircuitBreakerRegistry r : registries) {
            r.getAllCircuitBreakers().forEach(this::watch);
            r.getEventPublisher().onEntryAdded(e -> watch(e.getAddedEntry()));
        }
    }

    private void watch(CircuitBreaker cb) {
        Watched w = new Watched(cb);
        if (watched.putIfAbsent(cb.getName(), w) == null) {
            if (cb.getState() != State.CLOSED && cb.getState() != State.DISABLED && cb.getState() != State.METRICS_ONLY) {
                w.notClosedSince = Instant.now();
            }
            cb.getEventPublisher()
                    .onStateTransition(w::onTransition)
                    .onCallNotPermitted(e -> w.rejected.increment());
        }
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        Instant now = ctx.now();
        Detection.Builder out = Detection.builder();
        for (Watched w : new ArrayList<>(watched.values())) {
            CircuitBreaker cb = w.breaker;
            String name = cb.getName();
            State state = cb.getState();
            long rejectedTotal = w.rejected.sum();
            long rejected = rejectedTotal - w.lastRejected;
            w.lastRejected = rejectedTotal;
            List<Instant> opens = w.opensSince(now.minus(ctx.setting(FLAPPING_WINDOW)));
            Optional<Instant> notClosedSince = w.notClosedSince();
            Duration notClosed = notClosedSince.map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
            out.signal(OPENS, opens.size(), name);
            out.signal(NOT_CLOSED, notClosed.toMillis() / 1000.0, name);
            out.signal(REJECTED, rejected, name);
            if (ctx.baselinePass()) {
                continue;
            }
            CircuitBreakerConfig config = cb.getCircuitBreakerConfig();

            if (opens.size() >= ctx.setting(FLAPPING_OPENS)) {
                out.finding(ctx.finding(Problem.CIRCUIT_BREAKER_FAILURE, Severity.WARNING, "circuit breaker " + name + " flapping")
                        .summary(String.format(Locale.ROOT, "circuit breaker %s opened %d times in %s", name, opens.size(),
                                Texts.duration(ctx.setting(FLAPPING_WINDOW))))
                        .evidence("opens", opens.size())
                        .evidence("window", Texts.duration(ctx.setting(FLAPPING_WINDOW)))
                        .evidence("first-open", opens.get(0).toString())
                        .evidence("last-open", opens.get(opens.size() - 1).toString())
                        .evidence("state", state.name())
                        .evidence("wait-in-open", Texts.duration(waitInOpen(config)))
                        .hint("The dependency fails on and off, or the half-open probe is too small to judge it: "
                                + "look at the dependency's errors, and raise permittedNumberOfCallsInHalfOpenState "
                                + "or the wait duration."));
            }

            Duration wait = waitInOpen(config);
            Duration stuckAfter = Duration.ofMillis((long) (wait.toMillis() * ctx.setting(STUCK_OPEN_MULTIPLE)));
            boolean rejecting = state == State.OPEN || state == State.FORCED_OPEN || state == State.HALF_OPEN;
            if (rejecting && notClosed.compareTo(stuckAfter) > 0 && rejected > 0) {
                out.finding(ctx.finding(Problem.CIRCUIT_BREAKER_FAILURE, Severity.CRITICAL, "circuit breaker " + name + " stuck open")
                        .summary(String.format(Locale.ROOT,
                                "circuit breaker %s has not closed for %s (%.0f x its %s wait) and rejected %d calls since the last look",
                                name, Texts.duration(notClosed), (double) notClosed.toMillis() / Math.max(1, wait.toMillis()),
                                Texts.duration(wait), rejected))
                        .evidence("state", state.name())
                        .evidence("not-closed-for", Texts.duration(notClosed))
                        .evidence("wait-in-open", Texts.duration(wait))
                        .evidence("rejected", rejected)
                        .evidence("failure-rate", rate(cb.getMetrics().getFailureRate()))
                        .hint(state == State.FORCED_OPEN
                                ? "Someone forced the breaker open; close it (transitionToClosedState) when the dependency is back."
                                : "Every half-open probe fails: the dependency is still down, or the probe calls fail for "
                                  + "another reason (timeouts too short, a bad request); check the breaker's errors."));
            }

            CircuitBreaker.Metrics m = cb.getMetrics();
            int buffered = m.getNumberOfBufferedCalls();
            if (state == State.CLOSED && buffered >= ctx.setting(STUCK_CLOSED_MIN_CALLS)
                    && buffered < config.getMinimumNumberOfCalls()) {
                double failureRate = 100.0 * m.getNumberOfFailedCalls() / buffered;
                if (failureRate >= config.getFailureRateThreshold()) {
                    out.finding(ctx.finding(Problem.CIRCUIT_BREAKER_FAILURE, Severity.WARNING, "circuit breaker " + name + " stuck closed")
                            .summary(String.format(Locale.ROOT,
                                    "circuit breaker %s stays CLOSED with %.0f %% of %d calls failing: its window never "
                                            + "reaches the %d calls it needs to judge", name, failureRate, buffered,
                                    config.getMinimumNumberOfCalls()))
                            .evidence("failure-rate", Math.round(failureRate * 10) / 10.0)
                            .evidence("failure-threshold", (double) config.getFailureRateThreshold())
                            .evidence("buffered-calls", buffered)
                            .evidence("minimum-calls", config.getMinimumNumberOfCalls())
                            .evidence("window", config.getSlidingWindowType() + " " + config.getSlidingWindowSize())
                            .hint("Lower minimumNumberOfCalls to what the traffic of a window can reach, or lengthen "
                                    + "a time-based window.")
                            .holdFor(ctx.setting(STUCK_CLOSED_FOR)));
                }
            }

            if (ctx.setting(OPEN_ALERT) && state == State.OPEN) {
                out.finding(ctx.finding(Problem.CASCADING_FAILURES, Severity.CRITICAL, "circuit breaker " + name + " open")
                        .summary("circuit breaker " + name + " is OPEN: its dependency is failing and calls are cut off")
                        .evidence("state", state.name())
                        .evidence("failure-rate", rate(m.getFailureRate()))
                        .evidence("slow-call-rate", rate(m.getSlowCallRate()))
                        .evidence("rejected", rejected)
                        .hint("Check the dependency behind " + name + "; make sure callers degrade (fallbacks) rather "
                                + "than queue up behind it."));
            }
        }
        return out.build();
    }

    private static Duration waitInOpen(CircuitBreakerConfig config) {
        Long ms = config.getWaitIntervalFunctionInOpenState().apply(1);
        return Duration.ofMillis(ms == null ? CircuitBreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_STATE * 1000L : ms);
    }

    private static Object rate(float percent) {
        return percent < 0 ? "not enough calls" : (Object) (Math.round(percent * 10) / 10.0);
    }

    static final class Watched {
        static final int MAX_OPENS = 64;
        final CircuitBreaker breaker;
        final LongAdder rejected = new LongAdder();
        final ArrayDeque<Instant> opens = new ArrayDeque<>();
        Instant notClosedSince;
        long lastRejected;

        Watched(CircuitBreaker breaker) {
            this.breaker = breaker;
        }

        synchronized void onTransition(CircuitBreakerOnStateTransitionEvent e) {
            Instant at = e.getCreationTime().toInstant();
            State to = e.getStateTransition().getToState();
            if (to == State.OPEN) {
                if (opens.size() == MAX_OPENS) {
                    opens.removeFirst();
                }
                opens.addLast(at);
            }
            boolean closedLike = to == State.CLOSED || to == State.DISABLED || to == State.METRICS_ONLY;
            if (closedLike) {
                notClosedSince = null;
            } else if (notClosedSince == null) {
                notClosedSince = at;
            }
        }

        synchronized List<Instant> opensSince(Instant from) {
            while (!opens.isEmpty() && opens.peekFirst().isBefore(from)) {
                opens.removeFirst();
            }
            return List.copyOf(opens);
        }

        synchronized Optional<Instant> notClosedSince() {
            return Optional.ofNullable(notClosedSince);
        }
    }
}
