package dev.telltale.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A detector whose behaviour a test sets: what it returns, throws, or how long it blocks. */
class TestDetector extends AbstractDetector {
    interface Behaviour {
        Detection detect(DetectionContext ctx) throws Exception;
    }

    static final Setting<Duration> WARNING = Setting.duration("warning", Duration.ofSeconds(30), "Warn above this wait.");
    static final Setting<Long> LIMIT = Setting.count("limit", 10, "How many to report.");
    static final SignalSpec WAITING = SignalSpec.of("test.waiting.sessions", "sessions", "Sessions waiting on a lock");
    static final SignalSpec TOP = SignalSpec.of("test.table.dead", "tuples", "Dead tuples of the top tables", "rank");
    static final SignalSpec CLASH = SignalSpec.of("test.waiting.sessions", "sessions", "Same name, other keys", "database");

    volatile Behaviour behaviour;
    final AtomicInteger calls = new AtomicInteger();

    TestDetector(String id, Duration interval, Behaviour behaviour) {
        this(id, interval, List.of(WAITING, TOP), behaviour);
    }

    TestDetector(String id, Duration interval, List<SignalSpec> signals, Behaviour behaviour) {
        this(spec(id, interval, signals).build(), behaviour);
    }

    TestDetector(DetectorSpec spec, Behaviour behaviour) {
        super(spec, "local");
        this.behaviour = behaviour;
    }

    /** A detector whose verdicts come from the change between two samples ({@code partial}: some of them). */
    static TestDetector delta(String id, boolean partial, Behaviour behaviour) {
        DetectorSpec.Builder b = spec(id, Duration.ofMinutes(1), List.of(WAITING, TOP));
        return new TestDetector((partial ? b.partialDelta("waits since the previous sample")
                : b.delta("deadlocks since the previous sample")).build(), behaviour);
    }

    private static DetectorSpec.Builder spec(String id, Duration interval, List<SignalSpec> signals) {
        return DetectorSpec.builder(id).problems(Problem.DATABASE_DEADLOCKS).interval(interval)
                .settings(WARNING, LIMIT).signals(signals);
    }

    @Override
    public Detection detect(DetectionContext ctx) throws Exception {
        calls.incrementAndGet();
        return behaviour.detect(ctx);
    }
}
