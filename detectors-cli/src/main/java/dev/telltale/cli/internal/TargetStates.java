package dev.telltale.cli.internal;

import dev.telltale.core.Outcome;
import dev.telltale.core.RunRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

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
    /** How often the agent looks for failed runs of a target that is up. */
    static final Duration FAILED_RUN_WATCH = Duration.ofSeconds(1);

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
    private final Map<TargetSpec, Instant> probedAt = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService timer;

    private TargetStates(List<TargetSpec> targets, Function<TargetSpec, Optional<String>> prober) {
        this.targets = List.copyOf(targets);
        this.prober = prober;
    }

    /** Threads that probe targets at start: a fleet's hundred targets take turns on these, not a thread each. */
    static final int PROBE_THREADS = 16;

    /**
     * Probes every target, {@link #PROBE_THREADS} at a time (so a slow one costs its timeout once, not once per target,
     * and a fleet does not start a thread and a client per target at once).
     */
    public static TargetStates probe(List<TargetSpec> targets, TargetKinds kinds) {
        TargetStates s = new TargetStates(targets, t -> kinds.byName(t.kind()).orElseThrow().probe(t));
        List<CompletableFuture<State>> futures = new ArrayList<>();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PROBE_THREADS, targets.size())), r -> {
            Thread t = new Thread(r, "telltale-probe-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            for (TargetSpec t : targets) {
                futures.add(CompletableFuture.supplyAsync(() -> new State(t, s.prober.apply(t)), pool));
            }
            return collect(s, futures);
        } finally {
            pool.shutdown();
        }
    }

    private static TargetStates collect(TargetStates s, List<CompletableFuture<State>> futures) {
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

    /**
     * Keeps probing in the background: a target that is down every 5 s, doubling to 2 min; one that is up every
     * minute, and at once (at most every 5 s) when one of its detectors' runs failed or timed out since its latest
     * probe, so that a link that stalls shows as down within a run rather than a minute.
     *
     * @param runs the engine's latest run of each detector
     */
    public synchronized void keepProbing(Supplier<List<RunRecord>> runs) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telltale-target-probe");
            t.setDaemon(true);
            return t;
        });
        for (TargetSpec t : targets) {
            probedAt.put(t, Instant.now());
            schedule(t, states.get(t).up() ? UP_RECHECK : FIRST_RETRY);
        }
        timer.scheduleWithFixedDelay(() -> recheckAfterFailedRuns(runs.get()),
                FAILED_RUN_WATCH.toMillis(), FAILED_RUN_WATCH.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void recheckAfterFailedRuns(List<RunRecord> runs) {
        try {
            for (TargetSpec t : targets) {
                Instant probed = probedAt.get(t);
                if (!states.get(t).up() || probed.plus(FIRST_RETRY).isAfter(Instant.now())) {
                    continue;
                }
                boolean failedSinceProbe = runs.stream().anyMatch(r -> TargetHealth.belongsTo(r, t)
                        && (r.outcome() instanceof Outcome.Failed || r.outcome() instanceof Outcome.TimedOut)
                        && r.startedAt().plus(r.duration()).isAfter(probed));
                if (failedSinceProbe) {
                    probeNow(t);
                }
            }
        } catch (RuntimeException e) {
            log.debug("cannot recheck targets after failed runs", e);
        }
    }

    /** Probes {@code t} now, records and logs a change; the state it found. */
    private State probeNow(TargetSpec t) {
        State before = states.get(t);
        State now;
        try {
            now = before.next(prober.apply(t));
        } catch (RuntimeException e) {
            now = before.next(Optional.of("cannot probe " + t + ": " + Redaction.message(e.getMessage())));
        }
        probedAt.put(t, Instant.now());
        states.put(t, now);
        if (before.up() != now.up()) {
            if (now.up()) {
                log.info("{} answers again", t);
            } else {
                log.warn("{}", now.down().orElseThrow());
            }
        }
        return now;
    }

    private void schedule(TargetSpec t, Duration delay) {
        ScheduledExecutorService tm = timer;
        if (tm == null || tm.isShutdown()) {
            return;
        }
        tm.schedule(() -> {
            boolean wasUp = states.get(t).up();
            State now = probeNow(t);
            Duration next = now.up() ? UP_RECHECK
                    : wasUp ? FIRST_RETRY : min(delay.multipliedBy(2), MAX_RETRY);
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
