package dev.telltale.cli;

import dev.telltale.cli.internal.TargetGroup;
import dev.telltale.cli.internal.TargetKind;
import dev.telltale.cli.internal.TargetSpec;
import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A test double of our own SPI (never of PostgreSQL or Redis): a target kind whose detector reports a
 * lock wait of a fixed 42 s, graded by its {@code warning} and {@code critical} settings. A URL whose host
 * is {@code unreachable} fails to open, as a real kind does when the server does not answer.
 */
public final class FakeKind implements TargetKind {
    private final String name;

    public FakeKind(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Fake " + name + " to watch: fake://host:port/db";
    }

    @Override
    public String exampleUrl() {
        return redisLike() ? "redis://:pass@host:6379/0" : "postgresql://user:pass@host:5432/db";
    }

    @Override
    public Set<String> schemes() {
        return redisLike() ? Set.of("fake", "redis", "rediss") : Set.of("fake", "postgresql", "postgres");
    }

    @Override
    public int defaultPort() {
        return redisLike() ? 6379 : 5432;
    }

    /** Named like the real kind it stands in for: PostgreSQL's database, nothing for Redis. */
    @Override
    public Optional<String> database(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
        return redisLike() || path.isEmpty() ? Optional.empty() : Optional.of(path);
    }

    @Override
    public boolean acceptsIntegrity() {
        return name.equals("postgres");
    }

    private boolean redisLike() {
        return name.equals("redis");
    }

    @Override
    public Optional<String> probe(TargetSpec t) {
        return t.url().contains("unreachable") ? Optional.of("cannot reach " + t + ": Connection refused") : Optional.empty();
    }

    @Override
    public Opened open(List<TargetSpec> targets, List<TargetGroup> groups, Map<String, Object> integrity) {
        List<Detector> ds = new ArrayList<>();
        for (TargetSpec t : targets) {
            ds.add(new WaitDetector(name + ".waits", t.name()));
            ds.add(new FixedDetector(brokenSpec(), t.name(), () -> Detection.skipped("grant pg_monitor to telltale")));
            ds.add(new ScanDetector(name + ".scan", t.name()));
        }
        for (TargetGroup g : groups) {
            ds.add(new FixedDetector(groupSpec(), String.join("+", g.names()), () -> Detection.builder().build()));
        }
        return new Opened(ds, List.of());
    }

    @Override
    public List<DetectorSpec> specs() {
        return List.of(WaitDetector.spec(name + ".waits"), brokenSpec(), ScanDetector.spec(name + ".scan"), groupSpec());
    }

    private DetectorSpec brokenSpec() {
        return FixedDetector.spec(name + ".broken", Problem.SLOW_QUERIES);
    }

    private DetectorSpec groupSpec() {
        return FixedDetector.spec(name + ".group", Problem.SPLIT_BRAIN);
    }

    public static final class WaitDetector extends AbstractDetector {
        static final Setting<Duration> WARNING = Setting.duration("warning", Duration.ofMinutes(1), "Wait that warns.");
        static final Setting<Duration> CRITICAL = Setting.duration("critical", Duration.ofMinutes(2), "Wait that is critical.");
        static final Setting<Duration> FOR = Setting.duration("for", Duration.ZERO, "How long it must hold.");
        static final SignalSpec LONGEST = SignalSpec.of("fake.wait.longest", "seconds", "Longest wait");
        WaitDetector(String id, String target) {
            super(spec(id), target);
        }

        static DetectorSpec spec(String id) {
            return DetectorSpec.builder(id).problems(Problem.DATABASE_DEADLOCKS).interval(Duration.ofSeconds(1))
                    .settings(WARNING, CRITICAL, FOR).signals(LONGEST).build();
        }

        public Detection detect(DetectionContext ctx) {
            Duration wait = Duration.ofSeconds(42);
            Detection.Builder b = Detection.builder().signal(LONGEST, wait.toSeconds());
            Severity s = wait.compareTo(ctx.setting(CRITICAL)) >= 0 ? Severity.CRITICAL
                    : wait.compareTo(ctx.setting(WARNING)) >= 0 ? Severity.WARNING : null;
            if (s != null) {
                b.finding(ctx.finding(Problem.DATABASE_DEADLOCKS, s, "pid 4242 blocked by pid 4190")
                        .summary("pid 4242 waits 42s for a lock held by pid 4190")
                        .evidence("wait_seconds", 42).evidence("query", "update stock set n = n - 1")
                        .hint("look at what pid 4190 is doing").holdFor(ctx.setting(FOR)));
            }
            return b.build();
        }
    }

    /**
     * Gives the same answer every run: always skipped (reports show a line per detector that could not look), or,
     * standing for a topology detector, nothing (tests see which targets it was given).
     */
    public static final class FixedDetector extends AbstractDetector {
        private final Supplier<Detection> answer;

        FixedDetector(DetectorSpec spec, String target, Supplier<Detection> answer) {
            super(spec, target);
            this.answer = answer;
        }

        static DetectorSpec spec(String id, Problem problem) {
            return DetectorSpec.builder(id).problems(problem).interval(Duration.ofSeconds(1)).build();
        }

        public Detection detect(DetectionContext ctx) {
            return answer.get();
        }
    }

    /**
     * Walks a keyspace of {@code total} keys, {@code budget} of them per run: with the defaults the whole of it;
     * it notes a withheld verdict and cuts a list of {@code cut} more findings.
     */
    public static final class ScanDetector extends AbstractDetector {
        static final Setting<Long> TOTAL = Setting.count("total", 1_000L, "Keys there are.");
        static final Setting<Long> BUDGET = Setting.count("budget", 1_000L, "Keys a run walks.");
        static final Setting<Long> CUT = Setting.count("cut", 0L, "Findings cut from the list.");
        ScanDetector(String id, String target) {
            super(spec(id), target);
        }

        static DetectorSpec spec(String id) {
            return DetectorSpec.builder(id).problems(Problem.SLOW_QUERIES).interval(Duration.ofSeconds(1))
                    .settings(TOTAL, BUDGET, CUT).build();
        }

        public Detection detect(DetectionContext ctx) {
            long total = ctx.setting(TOTAL);
            long scanned = Math.min(total, ctx.setting(BUDGET));
            ctx.progress(scanned, total, "keys");
            Detection.Builder b = Detection.builder().coverage(scanned, total, "keys");
            if (ctx.setting(CUT) > 0) {
                b.truncated(ctx.setting(CUT)).note("statistics younger than 7d; set " + spec().id() + ".age to judge sooner");
            }
            return b.build();
        }
    }
}
