package dev.telltale.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A detector whose behaviour a test sets: what it returns, throws, or how long it blocks. */
class TestDetector implements Detector {
    interface Behaviour {
        Detection detect(DetectionContext ctx) throws Exception;
    }

    static final Setting<Duration> WARNING = Setting.duration("warning", Duration.ofSeconds(30), "Warn above this wait.");
    static final Setting<Long> LIMIT = Setting.count("limit", 10, "How many to report.");

    private final String id;
    private final Duration interval;
    volatile Behaviour behaviour;
    final AtomicInteger calls = new AtomicInteger();

    TestDetector(String id, Duration interval, Behaviour behaviour) {
        this.id = id;
        this.interval = interval;
        this.behaviour = behaviour;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String target() {
        return "local";
    }

    @Override
    public Set<Problem> problems() {
        return Set.of(Problem.DATABASE_DEADLOCKS);
    }

    @Override
    public Duration defaultInterval() {
        return interval;
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(WARNING, LIMIT);
    }

    @Override
    public Detection detect(DetectionContext ctx) throws Exception {
        calls.incrementAndGet();
        return behaviour.detect(ctx);
    }
}
