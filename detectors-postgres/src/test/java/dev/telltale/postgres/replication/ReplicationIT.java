package dev.telltale.postgres.replication;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.replication.PostgresReplicationDetector;
import dev.telltale.postgres.support.PrivateServer;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * replication and topology against a real streaming standby: a private primary and a standby copied from it
 * with pg_basebackup, both on their own loopback ports. Replay is paused to make lag; an unused slot is left
 * behind; finally the standby is promoted, which gives two primaries (split-brain) and a timeline change.
 * Needs pg_basebackup among the test kit's binaries (the machine's PostgreSQL has it; zonky's embedded
 * binaries do not, so there the class is skipped with that reason).
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {
    private static PrivateServer primary;
    private static PrivateServer standby;
    private static PostgresTarget primaryTarget;
    private static PostgresTarget standbyTarget;

    @BeforeAll
    static void start(TestPostgres kit) throws Exception {
        Assumptions.assumeTrue(PrivateServer.hasProgram(kit, "pg_basebackup"),
                "the test kit's PostgreSQL binaries (" + kit.binDir().map(Object::toString).orElse("none")
                        + ") have no pg_basebackup to copy a standby with; run with the machine's server (env source)");
        primary = PrivateServer.primary(kit, "wal_level = replica", "max_wal_senders = 5", "max_replication_slots = 5");
        standby = PrivateServer.standbyOf(primary, "hot_standby = on");
        primaryTarget = PostgresTarget.fromUrl("primary", primary.jdbcUrl("postgres"));
        standbyTarget = PostgresTarget.fromUrl("standby", standby.jdbcUrl("postgres"));
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create table writes (id serial primary key, v text)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{primaryTarget, standbyTarget, standby, primary}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void aStreamingStandbyThatKeepsUpAndAnIdlePrimaryAreSilent() throws Exception {
        PostgresReplicationDetector onPrimary = new PostgresReplicationDetector(primaryTarget);
        PostgresReplicationDetector onStandby = new PostgresReplicationDetector(standbyTarget);
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Detection p = Runs.detect(onPrimary, Map.of());
            assertThat(Runs.signal(p, "postgres.replication.standbys")).contains(1.0);
            assertThat(Runs.above(p, Severity.INFO)).isEmpty();
            Detection s = Runs.detect(onStandby, Map.of());
            assertThat(Runs.above(s, Severity.INFO)).isEmpty();
            // nothing pending: the delay is zero however old the last replayed commit is
            assertThat(Runs.signal(s, "postgres.replication.replay.delay")).contains(0.0);
        });
        Detector topology = PostgresDetectors.forTopology(List.of(primaryTarget, standbyTarget)).get(0);
        Detection t = Runs.detect(topology, Map.of());
        assertThat(t.findings()).isEmpty();
        assertThat(t.notes()).isEmpty(); // one lineage, two servers: nothing left out of the comparison
        assertThat(Runs.signal(t, "postgres.topology.primaries")).contains(1.0);
        assertThat(Runs.signal(t, "postgres.topology.reachable")).contains(2.0);
    }

    @Test
    @Order(2)
    void pausedReplayIsLagOnBothSides() throws Exception {
        // the delay is measured from the last replayed commit: make sure the standby has replayed one
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("insert into writes (v) values ('before the pause')");
        }
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).until(() -> {
            try (Connection s = standby.connect("postgres"); Statement st = s.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from writes where v = 'before the pause'")) {
                return rs.next() && rs.getLong(1) == 1;
            }
        });
        try (Connection s = standby.connect("postgres"); Statement st = s.createStatement()) {
            st.execute("select pg_wal_replay_pause()");
        }
        PostgresReplicationDetector onStandby = new PostgresReplicationDetector(standbyTarget);
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            // keep writing: the pause takes effect at the standby's next record, so the first batch may replay
            try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("insert into writes (v) select repeat('w', 100) from generate_series(1, 5000)");
            }
            Detection r = Runs.detect(onStandby, Map.of());
            Finding f = r.findings().stream().filter(x -> x.severity().isAtLeast(Severity.CRITICAL)).findFirst()
                    .orElseThrow(() -> new AssertionError("no critical finding yet: " + r));
            assertThat(f.problem()).isEqualTo(Problem.STALE_READ_AFTER_WRITE);
            assertThat(f.subject()).isEqualTo("replay on this standby");
            assertThat(f.evidence().get("replay_paused")).isEqualTo(true);
            assertThat((Long) f.evidence().get("pending_bytes")).isPositive();
            assertThat((Double) f.evidence().get("replay_delay_seconds")).isGreaterThanOrEqualTo(5.0);
            assertThat(Runs.signal(r, "postgres.replication.replay.pending").orElseThrow()).isPositive();
            assertThat(Runs.signal(r, "postgres.replication.replay.delay").orElseThrow()).isGreaterThanOrEqualTo(5.0);
        });
        PostgresReplicationDetector onPrimary = new PostgresReplicationDetector(primaryTarget);
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Detection r = Runs.detect(onPrimary, Map.of("lag.bytes-warning", "100kB"));
            Finding f = r.findings().stream().filter(x -> x.problem() == Problem.STALE_READ_AFTER_WRITE).findFirst().orElseThrow();
            assertThat(f.subject()).startsWith("standby ");
            assertThat(f.severity()).isGreaterThanOrEqualTo(Severity.WARNING);
            assertThat(f.evidence().get("state")).isEqualTo("streaming");
            assertThat((Long) f.evidence().get("replay_bytes")).isGreaterThan(100_000L);
            String standbyName = f.subject().substring("standby ".length());
            assertThat(Runs.signal(r, "postgres.replication.lag.bytes", standbyName).orElseThrow()).isGreaterThan(100_000.0);
        });
        try (Connection s = standby.connect("postgres"); Statement st = s.createStatement()) {
            st.execute("select pg_wal_replay_resume()");
        }
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Runs.above(Runs.detect(onStandby, Map.of()), Severity.INFO)).isEmpty());
    }

    @Test
    @Order(3)
    void anAbandonedSlotKeepsWal() throws Exception {
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("select pg_create_physical_replication_slot('abandoned', true)");
            s.execute("insert into writes (v) select repeat('w', 100) from generate_series(1, 20000)");
        }
        PostgresReplicationDetector onPrimary = new PostgresReplicationDetector(primaryTarget);
        Detection r = Runs.detect(onPrimary, Map.of("slot.inactive-for", "0s", "slot.retained-warning", "1GB"));
        Finding f = r.findings().stream().filter(x -> x.subject().equals("replication slot abandoned")).findFirst().orElseThrow();
        assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence().get("active")).isEqualTo(false);
        assertThat((Long) f.evidence().get("retained_bytes")).isPositive();
        assertThat(f.evidence().get("wal_status")).isEqualTo("reserved");
        assertThat(Runs.signal(r, "postgres.replication.slots.inactive")).contains(1.0);
        assertThat(Runs.signal(r, "postgres.replication.slots.retained.max").orElseThrow()).isPositive();

        // under a floor of twice what it keeps, and not idle long enough: no finding, but a note naming the floor
        long retained = (Long) f.evidence().get("retained_bytes");
        long floor = Math.max(2 * retained, 2L * 1024 * 1024);
        Detection under = Runs.detect(new PostgresReplicationDetector(primaryTarget),
                Map.of("slot.inactive-for", "1h", "slot.retained-warning", Long.toString(floor)));
        assertThat(under.findings()).noneMatch(x -> x.subject().equals("replication slot abandoned"));
        assertThat(under.notes()).singleElement().asString()
                .startsWith("replication slot abandoned (")
                .contains("keep WAL on disk, less than the floor: postgres.replication.slot.retained-warning = ")
                .endsWith("withholds the verdict (lower it to have them reported)");
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("select pg_drop_replication_slot('abandoned')");
        }
    }

    @Test
    @Order(4)
    void aPromotedStandbyBesideItsPrimaryIsSplitBrain() throws Exception {
        Detector topology = PostgresDetectors.forTopology(List.of(primaryTarget, standbyTarget)).get(0);
        assertThat(Runs.detect(topology, Map.of()).findings()).isEmpty();
        standby.promote();
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Detection r = Runs.detect(topology, Map.of());
            Finding split = r.findings().stream().filter(f -> f.severity() == Severity.CRITICAL).findFirst().orElseThrow();
            assertThat(split.problem()).isEqualTo(Problem.SPLIT_BRAIN);
            assertThat(split.subject()).isEqualTo("cluster primary+standby");
            assertThat(split.evidence().get("primaries")).isEqualTo("primary, standby");
            assertThat((String) split.evidence().get("standby")).startsWith("primary, timeline 2");
            // both of one lineage: the finding names each endpoint with its system identifier, timeline and role
            String lineage = (String) split.evidence().get("system_identifier");
            assertThat(lineage).isNotBlank();
            assertThat((String) split.evidence().get("primary")).startsWith("primary, timeline 1, system " + lineage);
            assertThat((String) split.evidence().get("standby")).contains("system " + lineage);
            Finding timeline = r.findings().stream().filter(f -> f.subject().equals("timeline of standby")).findFirst().orElseThrow();
            assertThat(timeline.severity()).isEqualTo(Severity.WARNING);
            assertThat(timeline.evidence().get("from_timeline")).isEqualTo(1L);
            assertThat(timeline.evidence().get("to_timeline")).isEqualTo(2L);
            assertThat(Runs.signal(r, "postgres.topology.primaries")).contains(2.0);
        });
    }

    @Test
    @Order(5)
    void anUnrelatedPrimaryListedBesideTheSplitLineageIsLeftOutOfIt(TestPostgres kit) throws Exception {
        try (PrivateServer other = PrivateServer.primary(kit);
             PostgresTarget elsewhere = PostgresTarget.fromUrl("elsewhere", other.jdbcUrl("postgres"))) {
            Detector topology = PostgresDetectors.forTopology(List.of(primaryTarget, elsewhere, standbyTarget)).get(0);
            Detection r = Runs.detect(topology, Map.of());
            List<Finding> critical = r.findings().stream().filter(f -> f.severity() == Severity.CRITICAL).toList();
            assertThat(critical).hasSize(1);
            Finding split = critical.get(0);
            assertThat(split.subject()).isEqualTo("cluster primary+standby");
            assertThat(split.evidence().get("primaries")).isEqualTo("primary, standby");
            assertThat(split.evidence()).doesNotContainKey("elsewhere");
            assertThat(Runs.signal(r, "postgres.topology.primaries")).contains(2.0);
            assertThat(Runs.signal(r, "postgres.topology.lineages")).contains(2.0);
            assertThat(r.notes()).singleElement().asString().startsWith("compared 3 servers in 2 lineages");
        }
    }
}
