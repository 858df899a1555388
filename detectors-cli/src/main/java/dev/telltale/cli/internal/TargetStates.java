package dev.telltale.cli.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Whether each target answers. A one-shot check probes once and leaves the targets that are down out; the
 * agent ({@code serve}) keeps probing, those that are down with backoff, so that {@code /health} says which
 * target is down now.
 */
public final class TargetStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetStates.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(2);
    static final Duration UP_RECHECK = Duration.ofMinutes(1);

    /**
     * A target and, when it is down, why (one line, no password).
     *
     * @param since    when the latest probe's answer (up or down) began to hold
     * @param answered when a probe last found it up; empty if none has
     */
    public record State(TargetSpec target, Optional<String> down, Instant since, Optional<Instant> answered) {
        /** A state that begins now. */
        public State(TargetSpec target, Optional<String> down) {
            this(target, down, Instant.now(), down.isEmpty() ? Optional.of(Instant.now()) : Optional.empty());
        }

        /** The state a new probe finds, after this one. */
        State next(Optional<String> nowDown) {
            Instant now = Instant.now();
            return new State(target, nowDown, nowDown.isPresent() == down.isPresent() ? since : now,
                    nowDown.isEmpty() ? Optional.of(now) : answered);
        }

        public boolean up() {
            return down.isEmpty();
        }

        public String label() {
            return up() ? "up" : "down";
        }
    }

    private final List<TargetSpec> targets;
    private final Function<TargetSpec, Optional<String>> prober;
    private final Map<TargetSpec, State> states = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService timer;

    private TargetStates(List<TargetSpec> targets, Function<TargetSpec, Optional<String>> prober) {
        this.targets = List.copyOf(targets);
        this.prober = prober;
    }

    /** Probes every target at once (so a slow one costs its timeout once, not once per target). */
    public static TargetStates probe(List<TargetSpec> targets, TargetKinds kinds) {
        TargetStates s = new TargetStates(targets, t -> kinds.byName(t.kind()).orElseThrow().probe(t));
        List<CompletableFuture<State>> futures = new ArrayList<>();
        for (TargetSpec t : targets) {
            CompletableFuture<State> f = new CompletableFuture<>();
            Thread probe = new Thread(() -> {
                try {
                    f.complete(new State(t, s.prober.apply(t)));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "telltale-probe-" + t.name());
            probe.setDaemon(true);
            probe.start();
            futures.add(f);
        }
        for (CompletableFuture<State> f : futures) {
            try {
                State st = f.join();
                s.states.put(st.target(), st);
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r; // bad input, such as a URL the kind cannot use
                }
                throw e;
            }
        }
        return s;
    }

    /** In the order the targets were given. */
    public List<State> all() {
        return targets.stream().map(states::get).toList();
    }

    public List<State> down() {
        return all().stream().filter(s -> !s.up()).toList();
    }

    /** Keeps probing in the background: a target that is down every 5 s, doubling to 2 min; one that is up every minute. */
    public synchronized void keepProbing() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telltale-target-probe");
            t.setDaemon(true);
            return t;
        });
        for (TargetSpec t : targets) {
            schedule(t, states.get(t).up() ? UP_RECHECK : FIRST_RETRY);
        }
    }

    private void schedule(TargetSpec t, Duration delay) {
        ScheduledExecutorService tm = timer;
        if (tm == null || tm.isShutdown()) {
            return;
        }
        tm.schedule(() -> {
            State before = states.get(t);
            State now;
            try {
                now = before.next(prober.apply(t));
            } catch (RuntimeException e) {
                now = before.next(Optional.of("cannot probe " + t + ": " + Redaction.message(e.getMessage())));
            }
            states.put(t, now);
            if (before.up() != now.up()) {
                if (now.up()) {
                    log.info("{} answers again", t);
                } else {
                    log.warn("{}", now.down().orElseThrow());
                }
            }
            Duration next = now.up() ? UP_RECHECK
                    : before.up() ? FIRST_RETRY : min(delay.multipliedBy(2), MAX_RETRY);
            schedule(t, next);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
