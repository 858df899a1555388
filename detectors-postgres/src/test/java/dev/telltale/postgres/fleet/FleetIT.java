package dev.telltale.postgres.fleet;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Outcome;
import dev.telltale.core.Problem;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Signal;
import dev.telltale.postgres.PostgresFleet;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.activity.ConnectionsDetector;
import dev.telltale.postgres.internal.activity.DeadlocksDetector;
import dev.telltale.postgres.internal.stats.ArchiverDetector;
import dev.telltale.postgres.internal.stats.ChecksumsDetector;
import dev.telltale.postgres.internal.stats.SettingsDetector;
import dev.telltale.postgres.internal.stats.StatementsDetector;
import dev.telltale.postgres.support.PrivateServer;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fleet mode for real: one engine watching 20 databases of one private server (pg_stat_statements preloaded) through
 * one {@link PostgresFleet}. pg_stat_statements' own call count of Telltale's counters query says how often the view
 * was read: about once per interval for the whole server, not once per database; a slow statement run in one
 * database is reported by that database's target only, and each target publishes its own database's
 * pg_stat_database series only. A cause of the whole server (its connections in use, its data checksums off) is one
 * finding for the server, on its first database's target and naming the server, not one per database.
 */
@ExtendWith(PostgresExtension.class)
class FleetIT {
    private static final int DATABASES = 20;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    /** The counters query as pg_stat_statements keeps it: its text starts with the file's comment. */
    private static final String COUNTERS = "/* telltale:statements */%";

    private static PrivateServer server;
    private static final List<PostgresTarget> targets = new ArrayList<>();
    private static final Map<String, Long> oids = new HashMap<>();

    @BeforeAll
    static void start(TestPostgres kit) throws Exception {
        server = PrivateServer.primary(kit, "shared_preload_libraries = 'pg_stat_statements'", "max_connections = 60");
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create extension pg_stat_statements");
            for (int i = 1; i <= DATABASES; i++) {
                s.execute("create database " + name(i));
            }
        }
        for (int i = 1; i <= DATABASES; i++) {
            try (Connection c = server.connect(name(i)); Statement s = c.createStatement()) {
                s.execute("create extension pg_stat_statements");
                try (ResultSet rs = s.executeQuery("select oid from pg_database where datname = current_database()")) {
                    rs.next();
                    oids.put(name(i), rs.getLong(1));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        targets.forEach(PostgresTarget::close);
        if (server != null) {
            server.close();
        }
    }

    private static String name(int i) {
        return String.format("fleet_%02d", i);
    }

    @Test
    void readsServerWideViewsOncePerIntervalAndReportsEachDatabaseOnItsOwnTarget() throws Exception {
        PostgresFleet fleet = PostgresFleet.create();
        DetectorEngine.Builder b = DetectorEngine.builder()
                .set("postgres.statements.interval", INTERVAL.toSeconds() + "s")
                .set("postgres.statements.slow.calls", "5")
                .set("postgres.statements.slow.mean", "20ms")
                .set("postgres.deadlocks.interval", INTERVAL.toSeconds() + "s");
        for (int i = 1; i <= DATABASES; i++) {
            PostgresTarget t = PostgresTarget.builder(name(i)).url(server.jdbcUrl(name(i))).fleet(fleet).build();
            targets.add(t);
            b.detector(new StatementsDetector(t)).detector(new DeadlocksDetector(t));
        }
        try (DetectorEngine engine = b.build()) {
            engine.start();
            // every target has taken its first sample
            await().atMost(Duration.ofSeconds(60)).until(() -> engine.lastRuns().size() == 2 * DATABASES);
            assertThat(engine.lastRuns()).allSatisfy(r -> assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK));

            long before = countersReads();
            Instant from = Instant.now();
            long startNanos = System.nanoTime();
            // every target runs its statements detector at least three more times
            Map<String, Integer> runs = new HashMap<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (RunRecord r : engine.lastRuns()) {
                    if (r.detector().equals("postgres.statements") && r.startedAt().isAfter(from)) {
                        runs.merge(r.target() + "@" + r.startedAt(), 1, Integer::sum);
                    }
                }
                Map<String, Long> perTarget = runs.keySet().stream()
                        .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('@')), Collectors.counting()));
                return perTarget.size() == DATABASES && perTarget.values().stream().allMatch(n -> n >= 3);
            });
            long reads = countersReads() - before;
            double intervals = (System.nanoTime() - startNanos) / (double) INTERVAL.toNanos();
            // once per interval for the server (a read may fall on either side of the window), never once per target
            assertThat(reads).as("reads of pg_stat_statements in %.1f intervals by %d targets", intervals, DATABASES)
                    .isBetween(1L, (long) Math.ceil(intervals) + 2);
            assertThat(runs.size()).as("statements runs in the window").isGreaterThanOrEqualTo(3 * DATABASES);
            assertThat(fleet.viewsShared()).isGreaterThan(fleet.viewsRead());
            System.out.printf("FleetIT: %d targets, %.1f intervals, %d reads of pg_stat_statements; fleet read %d views, "
                    + "shared %d%n", DATABASES, intervals, reads, fleet.viewsRead(), fleet.viewsShared());

            // a slow statement in one database: reported there, and by no other target. Forty calls, so that however
            // the shared reads (every 2 s) cut them into windows, one window holds far more than slow.calls
            String slowDb = name(7);
            try (Connection c = server.connect(slowDb); Statement s = c.createStatement()) {
                for (int i = 0; i < 40; i++) {
                    s.execute("select pg_sleep(0.03)");
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(slowAlerts(engine))
                    .extracting(a -> a.finding().target()).contains(slowDb));
            assertThat(slowAlerts(engine)).allSatisfy(a -> {
                assertThat(a.finding().target()).isEqualTo(slowDb);
                assertThat(a.finding().evidence().get("dbid")).isEqualTo(oids.get(slowDb));
            });

            // pg_stat_database is read once for all, and each target keeps its own database's series; the databases no
            // target watches (postgres, the templates) go to the first target by name only
            Map<String, String> seriesOwner = new HashMap<>();
            for (RunRecord r : engine.lastRuns()) {
                if (r.detector().equals("postgres.deadlocks")) {
                    Set<String> databases = r.signals().stream().map(sig -> sig.tagValues().get(0))
                            .collect(Collectors.toSet());
                    assertThat(databases).as(r.target()).contains(r.target());
                    databases.forEach(d -> assertThat(seriesOwner.put(d, r.target())).as(d + " on one target only").isNull());
                }
            }
            seriesOwner.forEach((database, target) -> assertThat(target)
                    .isEqualTo(oids.containsKey(database) ? database : name(1)));
            assertThat(engine.lastRuns()).allSatisfy(r -> assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK));
        }
    }

    @Test
    void aCauseOfTheWholeServerIsOneFindingPerServerNotOnePerDatabase() throws Exception {
        int watched = 6;
        PostgresFleet fleet = PostgresFleet.create();
        DetectorEngine.Builder b = DetectorEngine.builder()
                .set("postgres.connections.interval", INTERVAL.toSeconds() + "s")
                .set("postgres.connections.warning", "0.01")
                .set("postgres.connections.critical", "0.99")
                .set("postgres.connections.for", "0s")
                .set("postgres.checksums.interval", INTERVAL.toSeconds() + "s")
                .set("postgres.archiver.interval", INTERVAL.toSeconds() + "s")
                .set("postgres.settings.interval", INTERVAL.toSeconds() + "s");
        List<PostgresTarget> mine = new ArrayList<>();
        // named so that the first database by name is not the first target built
        for (int i = watched; i >= 1; i--) {
            PostgresTarget t = PostgresTarget.builder("db" + i).url(server.jdbcUrl(name(i))).fleet(fleet).build();
            mine.add(t);
            b.detector(new ConnectionsDetector(t)).detector(new ChecksumsDetector(t))
                    .detector(new ArchiverDetector(t)).detector(new SettingsDetector(t));
        }
        // three client sessions besides Telltale's own: 3 of 57 usable connections is past the 1 % warning
        List<Connection> clients = new ArrayList<>();
        try (DetectorEngine engine = b.build()) {
            for (int i = 0; i < 3; i++) {
                clients.add(server.connect(name(1)));
            }
            engine.start();
            Instant from = Instant.now();
            // every target has run its four detectors at least twice since the sessions were there
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, Long> late = engine.lastRuns().stream().filter(r -> r.startedAt().isAfter(from.plus(INTERVAL)))
                        .collect(Collectors.groupingBy(RunRecord::target, Collectors.counting()));
                return late.size() == watched && late.values().stream().allMatch(n -> n == 4);
            });
            assertThat(engine.lastRuns()).allSatisfy(r -> assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK));
            List<Alert> connections = engine.activeAlerts().stream()
                    .filter(a -> a.finding().subject().equals("server connections")).toList();
            List<Alert> checksums = engine.activeAlerts().stream()
                    .filter(a -> a.finding().subject().equals("data checksums")).toList();
            // one of each for the server, on the target of its first database by name, naming the server
            for (List<Alert> one : List.of(connections, checksums)) {
                assertThat(one).as("one finding for the server across %d database targets", watched).hasSize(1);
                assertThat(one.get(0).finding().target()).isEqualTo("db1");
                assertThat(one.get(0).finding().evidence()).containsEntry("server", "127.0.0.1:" + server.port())
                        .containsKey("system_identifier");
            }
            assertThat((Long) connections.get(0).finding().evidence().get("used")).isGreaterThanOrEqualTo(3L);
            // the server's series are published once too, by the same target: its connections, its archiver, its
            // settings pending a restart
            for (String detector : List.of("postgres.connections", "postgres.archiver", "postgres.settings")) {
                Set<String> publishing = engine.lastRuns().stream()
                        .filter(r -> r.detector().equals(detector) && !r.signals().isEmpty())
                        .map(RunRecord::target).collect(Collectors.toSet());
                assertThat(publishing).as(detector).containsExactly("db1");
            }
        } finally {
            for (Connection c : clients) {
                c.close();
            }
            mine.forEach(PostgresTarget::close);
        }
    }

    private static List<Alert> slowAlerts(DetectorEngine engine) {
        return engine.activeAlerts().stream()
                .filter(a -> a.finding().problem() == Problem.SLOW_QUERIES)
                .filter(a -> a.finding().evidence().containsKey("query")
                        && String.valueOf(a.finding().evidence().get("query")).contains("pg_sleep"))
                .toList();
    }

    /** Calls of Telltale's counters query, summed over every database it ran from. */
    private static long countersReads() throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements where query like '"
                     + COUNTERS + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
