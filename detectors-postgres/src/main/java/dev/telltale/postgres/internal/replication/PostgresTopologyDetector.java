package dev.telltale.postgres.internal.replication;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code postgres.topology}: several endpoints, asked at once what they are. Only servers of one lineage
 * (one system identifier: a primary, its standbys, a promoted standby) are compared: more than one of them
 * not in recovery is split-brain (critical at once). Targets that reach one server (two of its databases)
 * count as one endpoint, and unrelated clusters are never compared; both are said in notes. An endpoint
 * whose timeline changed went through a promotion or failover (a warning for a while). Each endpoint keeps
 * its own connection; one that cannot be reached is reported in the evidence, and the run fails only when
 * none answers.
 */
public final class PostgresTopologyDetector extends AbstractDetector implements PostgresTopologyDetectorSpec {
    private static final SqlFile<Row> TOPOLOGY = SqlFile.load(PostgresTopologyDetector.class, "topology", Row.class);
    private static final SqlFile<Row> TOPOLOGY_BASIC = SqlFile.load(PostgresTopologyDetector.class, "topology-basic", Row.class);

    private record Row(boolean inRecovery, Optional<Long> timeline, Optional<String> systemId,
                       Optional<String> serverAddr, Optional<Integer> serverPort, long startedMicros) {
    }

    private final List<PostgresTarget> targets;
    private final Map<String, Long> timelines = new HashMap<>();
    private final Map<String, TimelineChange> changes = new HashMap<>();

    private record TimelineChange(long from, long to, Instant seen) {
    }

    private record Endpoint(String target, boolean standby, Optional<Long> timeline, Optional<String> systemId,
                            Optional<String> serverAddr, Optional<Integer> serverPort, long startedMicros) {
        /**
         * Which server process answered: a lineage and a postmaster start time (in microseconds) tell servers
         * apart even behind different addresses; without the lineage, the port stands in for it.
         */
        String serverKey() {
            return systemId.orElseGet(() -> "port " + serverPort.map(String::valueOf).orElse("local")) + "@" + startedMicros;
        }

        String address() {
            return serverAddr.orElse("local socket") + serverPort.map(p -> ":" + p).orElse("");
        }
    }

    /** One server and the targets that reached it (several when they name different databases of it). */
    private record Server(List<Endpoint> endpoints) {
        Endpoint first() {
            return endpoints.get(0);
        }

        String name() {
            return first().target;
        }

        String describe() {
            Endpoint e = first();
            return (e.standby ? "standby" : "primary") + e.timeline.map(t -> ", timeline " + t).orElse("")
                    + e.systemId.map(s -> ", system " + s).orElse("") + ", server " + e.address()
                    + (endpoints.size() > 1 ? ", also reached as " + endpoints.stream().skip(1).map(Endpoint::target)
                    .collect(Collectors.joining(", ")) : "");
        }
    }

    /**
     * @param name    the name of the group (the {@code target} tag of its findings and gauges)
     * @param targets two or more endpoints; only those that share a system identifier are compared
     */
    public PostgresTopologyDetector(String name, List<PostgresTarget> targets) {
        super(SPEC, name);
        this.targets = List.copyOf(targets);
        if (this.targets.size() < 2) {
            throw new IllegalArgumentException("topology '" + name + "' needs at least two endpoints, got " + this.targets.size());
        }
    }

    @Override
    public Detection detect(DetectionContext ctx) throws Exception {
        List<Endpoint> answered = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        // targets of one fleet that reach a server already asked in this run (its other databases) take its answer: a
        // fleet of a hundred databases of one server is asked once, not a hundred times in one run
        Map<String, Row> byFleetServer = new HashMap<>();
        for (PostgresTarget t : targets) {
            // share what is left fairly, so one dead endpoint cannot use up the budget of the others
            Duration share = ctx.remaining().dividedBy(Math.max(1, targets.size() - answered.size() - failed.size()));
            try {
                Optional<String> server = PostgresTargetAccess.queries(t).fleetServer();
                Row known = server.map(byFleetServer::get).orElse(null);
                Row row = known != null ? known : ask(t, share);
                server.or(() -> PostgresTargetAccess.queries(t).fleetServer()).ifPresent(k -> byFleetServer.putIfAbsent(k, row));
                answered.add(endpoint(t, row));
            } catch (Exception e) {
                failed.put(t.name(), Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
            }
        }
        if (answered.isEmpty()) {
            throw new IllegalStateException("no endpoint of topology '" + target() + "' answered: " + failed);
        }
        // one server reached through several targets (two databases of it) is one endpoint
        Map<String, List<Endpoint>> byServer = answered.stream()
                .collect(Collectors.groupingBy(Endpoint::serverKey, LinkedHashMap::new, Collectors.toList()));
        List<Server> servers = byServer.values().stream().map(Server::new).toList();
        // only servers of one lineage (one system identifier) can be primaries of one cluster at once
        Map<String, List<Server>> lineages = servers.stream().filter(s -> s.first().systemId.isPresent())
                .collect(Collectors.groupingBy(s -> s.first().systemId.get(), LinkedHashMap::new, Collectors.toList()));
        List<Server> unknown = servers.stream().filter(s -> s.first().systemId.isEmpty()).toList();

        Detection.Builder out = Detection.builder();
        notes(out, servers, lineages, unknown);
        int mostPrimaries = unknown.stream().anyMatch(s -> !s.first().standby) ? 1 : 0;
        for (Map.Entry<String, List<Server>> lineage : lineages.entrySet()) {
            List<Server> members = lineage.getValue();
            List<Server> primaries = members.stream().filter(s -> !s.first().standby).toList();
            mostPrimaries = Math.max(mostPrimaries, primaries.size());
            if (primaries.size() > 1) {
                out.finding(splitBrain(ctx, lineage.getKey(), members, primaries, failed));
            }
        }
        out.signal(PRIMARIES, mostPrimaries).signal(REACHABLE, answered.size())
                .signal(LINEAGES, lineages.size() + unknown.size());
        Duration remember = ctx.setting(TIMELINE_REMEMBER);
        for (Server s : servers) {
            timelineChange(ctx, s.first(), remember).ifPresent(out::finding);
        }
        return out.build();
    }

    private Finding.Builder splitBrain(DetectionContext ctx, String systemId, List<Server> members, List<Server> primaries,
                                       Map<String, String> failed) {
        String cluster = members.stream().flatMap(s -> s.endpoints.stream()).map(Endpoint::target)
                .collect(Collectors.joining("+"));
        String names = primaries.stream().map(Server::name).collect(Collectors.joining(", "));
        var f = ctx.finding(Problem.SPLIT_BRAIN, Severity.CRITICAL, "cluster " + cluster)
                .summary(primaries.size() + " endpoints of " + cluster + " (system identifier " + systemId
                        + ") act as primary at once: " + names)
                .evidence("primaries", names)
                .evidence("system_identifier", systemId);
        for (Server s : members) {
            f.evidence(s.name(), s.describe());
        }
        failed.forEach((t, why) -> f.evidence(t, "unreachable: " + why));
        return f.hint("stop writes to all but one primary now (fence the old one), then rebuild the others as "
                + "standbys of the survivor; compare their data before discarding any");
    }

    /** Says what was not compared: targets that are one server, and servers of different or unknown lineage. */
    private static void notes(Detection.Builder out, List<Server> servers, Map<String, List<Server>> lineages,
                              List<Server> unknown) {
        for (Server s : servers) {
            if (s.endpoints.size() > 1) {
                out.note(s.endpoints.stream().map(Endpoint::target).collect(Collectors.joining(" and "))
                        + " are databases of one server (" + s.first().address() + s.first().systemId.map(id -> ", system "
                        + "identifier " + id).orElse("") + "): compared as one endpoint");
            }
        }
        if (lineages.size() + unknown.size() > 1) {
            out.note("compared " + servers.size() + " servers in " + lineages.size() + " lineages ("
                    + lineages.entrySet().stream().map(e -> "system identifier " + e.getKey() + ": "
                            + e.getValue().stream().map(Server::name).collect(Collectors.joining(", ")))
                    .collect(Collectors.joining("; "))
                    + "): only servers that share a system identifier can be a split brain");
        }
        if (!unknown.isEmpty()) {
            out.note(unknown.stream().map(Server::name).collect(Collectors.joining(", "))
                    + ": the system identifier is unreadable (pg_control_system() needs pg_monitor), so the lineage "
                    + "is unknown and these endpoints are not compared with the others");
        }
    }

    private Optional<Finding.Builder> timelineChange(DetectionContext ctx, Endpoint e, Duration remember) {
        if (e.timeline.isEmpty()) {
            return Optional.empty();
        }
        long now = e.timeline.get();
        Long before = timelines.put(e.target, now);
        if (before != null && before != now) {
            changes.put(e.target, new TimelineChange(before, now, ctx.now()));
        }
        TimelineChange c = changes.get(e.target);
        if (c == null) {
            return Optional.empty();
        }
        if (Duration.between(c.seen, ctx.now()).compareTo(remember) > 0) {
            changes.remove(e.target);
            return Optional.empty();
        }
        return Optional.of(ctx.finding(Problem.SPLIT_BRAIN, Severity.WARNING, "timeline of " + e.target)
                .summary(e.target + " moved from timeline " + c.from + " to " + c.to + ": it was promoted or "
                        + "followed a failover")
                .evidence("from_timeline", c.from).evidence("to_timeline", c.to).evidence("seen_at", c.seen.toString())
                .evidence("role", e.standby ? "standby" : "primary")
                .evidence("system_identifier", e.systemId.orElse(null))
                .hint("make sure exactly one primary remains and that every standby follows the new timeline"));
    }

    private static Row ask(PostgresTarget t, Duration budget) throws Exception {
        try {
            return PostgresTargetAccess.queries(t).read(ID, budget, tx -> tx.one(TOPOLOGY, Map.of()));
        } catch (DetectionSkippedException noPrivilege) {
            return PostgresTargetAccess.queries(t).read(ID, budget, tx -> tx.one(TOPOLOGY_BASIC, Map.of()));
        }
    }

    private static Endpoint endpoint(PostgresTarget t, Row row) {
        return new Endpoint(t.name(), row.inRecovery(), row.timeline(), row.systemId(), row.serverAddr(),
                row.serverPort(), row.startedMicros());
    }

    @Override
    public String toString() {
        return ID + "@" + target();
    }
}
