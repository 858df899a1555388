package dev.telltale.jvm.internal.resilience;

import dev.telltale.jvm.internal.SeverityHold;
import dev.telltale.jvm.internal.Texts;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.InProcessDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * {@code resilience.retry-storm}: retries per call and per second for every retry instance. Calls come from
 * Resilience4j's {@code Retry.Metrics} (it counts calls, not attempts), attempts from its {@code onRetry}
 * events; other retry code reports through a {@code RetryRecorder}. A storm is more retries in a run than
 * the retry budget of Finagle, Linkerd and Envoy allows ({@code budget.ratio} of calls plus
 * {@code budget.per-second} per second), held for {@code for}. It is CRITICAL while the circuit breaker of
 * the same name is OPEN: the retries only hammer a dependency already known to be down.
 */
public final class RetryStormDetector extends InProcessDetector implements RetryStormDetectorSpec {
    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private final List<CircuitBreakerRegistry> breakers;
    private final SeverityHold holds = new SeverityHold();
    private Instant previousRun;

    /**
     * Watches {@code retries} and every retry of {@code registries} (including those created later);
     * breakers of {@code breakers} whose name matches a retry's make its storm CRITICAL while they are open.
     */
    public RetryStormDetector(String target, List<Retry> retries, List<RetryRegistry> registries,
                              List<CircuitBreakerRegistry> breakers) {
        super(SPEC, Objects.requireNonNull(target, "target"));
        this.breakers = List.copyOf(breakers);
        retries.forEach(this::watch);
        for (RetryRegistry registry : registries) {
            registry.getAllRetries().forEach(this::watch);
            registry.getEventPublisher().onEntryAdded(e -> watch(e.getAddedEntry()));
        }
    }

    /**
     * Watches retry code that is not Resilience4j (a {@code RetryRecorder}) like a Retry of that name.
     *
     * @throws IllegalArgumentException when a retry of that name is already watched
     */
    public void watch(String name, LongSupplier calls, LongAdder retries) {
        if (!add(new Source(name, calls, retries))) {
            throw new IllegalArgumentException("a retry named '" + name + "' is already watched; give the recorder another name");
        }
    }

    private void watch(Retry retry) {
        LongAdder retries = new LongAdder();
        Retry.Metrics m = retry.getMetrics();
        if (add(new Source(retry.getName(), m::getNumberOfTotalCalls, retries))) {
            retry.getEventPublisher().onRetry(e -> retries.increment());
        }
    }

    private boolean add(Source s) {
        return sources.putIfAbsent(s.name, s) == null;
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        Instant now = ctx.now();
        Instant since = previousRun;
        previousRun = now;
        Detection.Builder out = Detection.builder();
        List<Source> all = new ArrayList<>(sources.values());
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (Source s : all) {
            long calls = s.calls.getAsLong();
            long retries = s.retries.sum();
            long dCalls = calls - s.lastCalls;
            long dRetries = retries - s.lastRetries;
            s.lastCalls = calls;
            s.lastRetries = retries;
            if (since == null) {
                continue; // first look: only a baseline
            }
            double seconds = Math.max(Duration.between(since, now).toNanos() / 1e9, 1e-3);
            double budget = ctx.setting(BUDGET_RATIO) * dCalls + ctx.setting(BUDGET_PER_SECOND) * seconds;
            double attemptsPerCall = dCalls == 0 ? (dRetries == 0 ? 1 : 1 + dRetries) : (double) (dCalls + dRetries) / dCalls;
            out.signal(ATTEMPTS_PER_CALL, attemptsPerCall, s.name);
            out.signal(RETRIES_PER_SECOND, dRetries / seconds, s.name);
            out.signal(BUDGET_USED, budget == 0 ? 0 : dRetries / budget, s.name);
            if (dRetries > budget) {
                Optional<CircuitBreaker> breaker = breaker(s.name);
                boolean open = breaker.map(b -> b.getState() == CircuitBreaker.State.OPEN
                        || b.getState() == CircuitBreaker.State.FORCED_OPEN).orElse(false);
                // CRITICAL while the breaker is open, held for the finding's for so a breaker cycling
                // open/half-open does not flip the severity at each run.
                SeverityHold.Verdict v = holds.apply(s.name, open ? Severity.CRITICAL : Severity.WARNING, ctx.setting(FOR), now);
                reported.add(s.name);
                String breakerState = open ? ", while its circuit breaker is open"
                        : v.held() ? ", its circuit breaker was open " + Texts.elapsed(Duration.between(v.heldSince().get(), now).toNanos()) + " ago"
                        : "";
                out.finding(ctx.finding(Problem.RETRY_STORM, v.severity(), "retry " + s.name)
                        .summary(String.format(Locale.ROOT,
                                "retry %s made %d retries for %d calls in %.0f s (%.2f attempts per call), over its budget of %.0f%s",
                                s.name, dRetries, dCalls, seconds, attemptsPerCall, budget, breakerState))
                        .evidence("retries", dRetries)
                        .evidence("calls", dCalls)
                        .evidence("attempts-per-call", Math.round(attemptsPerCall * 100) / 100.0)
                        .evidence("retries-per-second", Math.round(dRetries / seconds * 10) / 10.0)
                        .evidence("budget", Math.round(budget))
                        .evidence("window", Math.round(seconds) + "s")
                        .evidence("circuit-breaker", breaker.map(b -> b.getState().name()).orElse("none"))
                        .hint("Cap retries with a budget (retries <= 20 % of calls), add jittered backoff, retry at "
                                + "one layer only, and put a circuit breaker in front of the retry.")
                        .holdFor(ctx.setting(FOR)));
            }
        }
        holds.retain(reported);
        return out.build();
    }

    private Optional<CircuitBreaker> breaker(String name) {
        for (CircuitBreakerRegistry r : breakers) {
            Optional<CircuitBreaker> b = r.getAllCircuitBreakers().stream().filter(c -> c.getName().equals(name)).findFirst();
            if (b.isPresent()) {
                return b;
            }
        }
        return Optional.empty();
    }

    private static final class Source {
        final String name;
        final LongSupplier calls;
        final LongAdder retries;
        long lastCalls;
        long lastRetries;

        Source(String name, LongSupplier calls, LongAdder retries) {
            this.name = name;
            this.calls = calls;
            this.retries = retries;
        }
    }
}
