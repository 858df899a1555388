package dev.telltale.postgres.internal.replication;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code postgres.topology}: several endpoints of one cluster, asked at once what they are. More than one
 * that is not in recovery is split-brain (critical at once); an endpoint whose timeline changed went
 * through a promotion or failover (a warning for a while). Each endpoint keeps its own connection; one that
 * cannot be reached is reported in the evidence, and the run fails only when none answers.
 */
public final class PostgresTopologyDetector implements Detector {
    public static final String ID = "postgres.topology";

    public static final Setting<Duration> TIMELINE_REMEMBER = Setting.duration("timeline.remember", Duration.ofMinutes(10),
            "How long a timeline change stays reported after it was seen.");

    public static final SignalSpec PRIMARIES = SignalSpec.of("postgres.topology.primaries", "servers",
            "endpoints that are not in recovery (more than one is split-brain)");
    public static final SignalSpec REACHABLE = SignalSpec.of("postgres.topology.reachable", "servers",
            "endpoints that answered");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Several endpoints of one cluster asked at once whether they are in recovery: more than one "
                    + "primary is split-brain, and a changed timeline is a promotion or failover.")
            .problems(Problem.SPLIT_BRAIN)
            .interval(Duration.ofSeconds(15))
            .settings(TIMELINE_REMEMBER)
            .signals(PRIMARIES, REACHABLE)
            .build();

    private static final SqlFile<Row> TOPOLOGY = SqlFile.load(PostgresTopologyDetector.class, "topology", Row.class);
    private static final SqlFile<Row> TOPOLOGY_BASIC = SqlFile.load(PostgresTopologyDetector.class, "topology-basic", Row.class);

    private record Row(boolean inRecovery, Optional<Long> timeline, Optional<String> systemId) {
    }

    private final String name;
    private final List<PostgresTarget> targets;
    private final Map<String, Long> timelines = new HashMap<>();
    private final Map<String, TimelineChange> changes = new HashMap<>();

    private record TimelineChange(long from, long to, Instant seen) {
    }

    private record Endpoint(String target, boolean standby, Optional<Long> timeline, Optional<String> systemId) {
    }

    /**
     * @param name    the name of the cluster (the {@code target} tag of its findings and gauges)
     * @param targets two or more endpoints of that cluster
     */
    public PostgresTopologyDetector(String name, List<PostgresTarget> targets) {
        this.name = Objects.requireNonNull(name, "name");
        this.targets = List.copyOf(targets);
        if (this.targets.size() < 2) {
            throw new IllegalArgumentException("topology '" + name + "' needs at least two endpoints, got " + this.targets.size());
        }
    }

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public String target() {
        return name;
    }

    @Override
    public Detection detect(DetectionContext ctx) throws Exception {
        List<Endpoint> answered = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (PostgresTarget t : targets) {
            // share what is left fairly, so one dead endpoint cannot use up the budget of the others
            Duration share = ctx.remaining().dividedBy(Math.max(1, targets.size() - answered.size() - failed.size()));
            try {
                answered.add(ask(t, share));
            } catch (Exception e) {
                failed.put(t.name(), Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
            }
        }
        if (answered.isEmpty()) {
            throw new IllegalStateException("no endpoint of topology '" + name + "' answered: " + failed);
        }
        Detection.Builder out = Detection.builder();
        List<Endpoint> primaries = answered.stream().filter(e -> !e.standby).toList();
        out.signal(PRIMARIES, primaries.size()).signal(REACHABLE, answered.size());
        if (primaries.size() > 1) {
            var f = ctx.finding(Problem.SPLIT_BRAIN, Severity.CRITICAL, "cluster " + name)
                    .summary(primaries.size() + " endpoints of " + name + " act as primary at once: "
                            + primaries.stream().map(Endpoint::target).collect(Collectors.joining(", ")))
                    .evidence("primaries", primaries.stream().map(Endpoint::target).collect(Collectors.joining(", ")));
            for (Endpoint e : answered) {
                f.evidence(e.target, (e.standby ? "standby" : "primary") + e.timeline.map(t -> ", timeline " + t).orElse("")
                        + e.systemId.map(s -> ", system " + s).orElse(""));
            }
            failed.forEach((t, why) -> f.evidence(t, "unreachable: " + why));
            out.finding(f.hint("stop writes to all but one primary now (fence the old one), then rebuild the others as "
                    + "standbys of the survivor; compare their data before discarding any"));
        }
        Duration remember = ctx.setting(TIMELINE_REMEMBER);
        for (Endpoint e : answered) {
            if (e.timeline.isEmpty()) {
                continue;
            }
            long now = e.timeline.get();
            Long before = timelines.put(e.target, now);
            if (before != null && before != now) {
                changes.put(e.target, new TimelineChange(before, now, ctx.now()));
            }
            TimelineChange c = changes.get(e.target);
            if (c != null && Duration.between(c.seen, ctx.now()).compareTo(remember) <= 0) {
                out.finding(ctx.finding(Problem.SPLIT_BRAIN, Severity.WARNING, "timeline of " + e.target)
                        .summary(e.target + " moved from timeline " + c.from + " to " + c.to + ": it was promoted or "
                                + "followed a failover")
                        .evidence("from_timeline", c.from).evidence("to_timeline", c.to).evidence("seen_at", c.seen.toString())
                        .evidence("role", e.standby ? "standby" : "primary")
                        .hint("make sure exactly one primary remains and that every standby follows the new timeline"));
            } else if (c != null) {
                changes.remove(e.target);
            }
        }
        return out.build();
    }

    private static Endpoint ask(PostgresTarget t, Duration budget) throws Exception {
        try {
            return endpoint(t, PostgresTargetAccess.queries(t).read(ID, budget, tx -> tx.one(TOPOLOGY, Map.of())));
        } catch (DetectionSkippedException noPrivilege) {
            return endpoint(t, PostgresTargetAccess.queries(t).read(ID, budget, tx -> tx.one(TOPOLOGY_BASIC, Map.of())));
        }
    }

    private static Endpoint endpoint(PostgresTarget t, Row row) {
        return new Endpoint(t.name(), row.inRecovery(), row.timeline(), row.systemId());
    }

    @Override
    public String toString() {
        return ID + "@" + name;
    }
}
