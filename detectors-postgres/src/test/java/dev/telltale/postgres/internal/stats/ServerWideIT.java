package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.PrivateServer;
import dev.telltale.postgres.support.Runs;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The detectors whose symptoms need server-wide actions (a low autovacuum_freeze_max_age, CHECKPOINT, a tiny
 * shared_buffers), on a private server started from the test kit's binaries, never on the shared one. In the
 * version matrix this exercises pg_stat_bgwriter (13) and pg_stat_checkpointer (17).
 */
@ExtendWith(PostgresExtension.class)
class ServerWideIT {
    private static PrivateServer server;
    private static PostgresTarget target;

    @BeforeAll
    static void start(TestPostgres kit) throws Exception {
        server = PrivateServer.primary(kit, "autovacuum_freeze_max_age = 100000", "autovacuum = off",
                "work_mem = 64kB", "max_wal_size = 64MB");
        target = PostgresTarget.fromUrl("private", server.jdbcUrl("postgres"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (target != null) {
            target.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void xidAgePastTheFreezeLimitWhileALongTransactionPinsTheHorizon() throws Exception {
        WraparoundDetector d = new WraparoundDetector(target);
        assertThat(Runs.above(Runs.detect(d, Map.of()), Severity.INFO)).isEmpty();
        try (Connection pin = server.connect("postgres"); Connection burn = server.connect("postgres");
             Statement p = pin.createStatement(); Statement b = burn.createStatement()) {
            // an old snapshot: no vacuum, not even the forced anti-wraparound one, can freeze past it
            pin.setAutoCommit(false);
            p.execute("set transaction isolation level repeatable read");
            try (ResultSet rs = p.executeQuery("select txid_current()")) {
                rs.next();
            }
            b.execute("do $$ begin for i in 1..160000 loop perform txid_current(); commit; end loop; end $$");

            Detection r = Runs.detect(d, Map.of());
            Finding f = r.findings().stream().filter(x -> x.subject().equals("database postgres (xid age)")).findFirst().orElseThrow();
            assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat((Long) f.evidence().get("age")).isGreaterThan(150_000L);
            assertThat(f.evidence().get("freeze_max_age")).isEqualTo(100_000L);
            assertThat(f.summary()).contains("autovacuum_freeze_max_age");
            assertThat(Runs.signal(r, "postgres.wraparound.age", "xid").orElseThrow()).isGreaterThan(150_000.0);
            assertThat(Runs.signal(r, "postgres.wraparound.used", "xid").orElseThrow()).isLessThan(0.01);
            // one cause, one finding per database: every catalog table is past the freeze limit too, and is
            // named in the connected database's finding instead of being a finding of its own
            assertThat(r.findings()).allSatisfy(x -> assertThat(x.subject()).startsWith("database "));
            assertThat(r.findings()).extracting(x -> x.subject().replaceFirst(" \\(.*", ""))
                    .doesNotHaveDuplicates().contains("database postgres", "database template1");
            assertThat(f.evidence().get("oldest_relations").toString()).contains("pg_catalog.");
            assertThat(f.summary()).contains("of its oldest relations are past the limits");
            pin.rollback();
        }
    }

    /** A fresh detector that has taken its starting snapshot: its next run's window starts now. */
    private static CheckpointsDetector snapshotTaken() throws Exception {
        CheckpointsDetector fresh = new CheckpointsDetector(target);
        Runs.detect(fresh, Map.of());
        return fresh;
    }

    @Test
    void manualCheckpointsAreRequestedNotForcedByWalVolume() throws Exception {
        CheckpointsDetector d = new CheckpointsDetector(target);
        assertThat(Runs.detect(d, Map.of()).findings()).isEmpty();
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            for (int i = 0; i < 4; i++) {
                s.execute("create table if not exists churn (v int); insert into churn select generate_series(1, 1000)");
                s.execute("checkpoint");
            }
        }
        // four requested checkpoints and a few kB of WAL: max_wal_size has nothing to do with them. The
        // checkpointer publishes its counters after each checkpoint, which can lag a busy one: the second run
        // waits until the server's own counter shows all four.
        await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            CheckpointsDetector fresh = snapshotTaken();
            long before = requestedCheckpoints();
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                for (int i = 0; i < 4; i++) {
                    s.execute("insert into churn select generate_series(1, 1000)");
                    s.execute("checkpoint");
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> requestedCheckpoints() >= before + 4);
            Detection r = Runs.detect(fresh, Map.of());
            assertThat(Runs.signal(r, "postgres.checkpoints.window", "requested").orElseThrow()).isGreaterThanOrEqualTo(4.0);
            assertThat(Runs.signal(r, "postgres.checkpoints.window", "wal").orElseThrow()).isLessThanOrEqualTo(1.0);
            assertThat(r.findings()).isEmpty();
        });
    }

    @Test
    void checkpointsForcedByWalVolumeRatherThanTime() throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create table if not exists bulk (v int, pad text)");
        }
        // the detector keeps its snapshot: a fresh window that holds the bulk write
        CheckpointsDetector fresh = snapshotTaken();
        long before = requestedCheckpoints();
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            // ~250 MB of WAL against max_wal_size = 64MB: the checkpointer is forced every ~34 MB
            for (int i = 0; i < 5; i++) {
                s.execute("insert into bulk select g, repeat('w', 100) from generate_series(1, 300000) g");
            }
        }
        // a run consumes its window: first wait until the forced checkpoints reached the statistics
        await().atMost(Duration.ofSeconds(60)).until(() -> requestedCheckpoints() - before >= 3);
        {
            Detection r = Runs.detect(fresh, Map.of());
            Finding f = r.findings().stream().findFirst().orElseThrow();
            assertThat(f.problem()).isEqualTo(Problem.WRITE_AMPLIFICATION);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat((Long) f.evidence().get("requested")).isGreaterThanOrEqualTo(3L);
            assertThat((Long) f.evidence().get("wal_forced_at_most")).isGreaterThanOrEqualTo(3L);
            assertThat((Long) f.evidence().get("wal_bytes")).isGreaterThan(100L * 1024 * 1024);
            assertThat(f.evidence().get("max_wal_size")).isEqualTo("64MB");
            assertThat(f.summary()).contains("forced by WAL volume");
        }
    }

    private static long requestedCheckpoints() throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            // 17 moved the counters to pg_stat_checkpointer
            boolean seventeen = c.getMetaData().getDatabaseMajorVersion() >= 17;
            try (ResultSet rs = s.executeQuery(seventeen ? "select num_requested from pg_stat_checkpointer"
                    : "select checkpoints_req from pg_stat_bgwriter")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void cacheMissesAndTempSpillsInTheWindow() throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create table big (id int, pad text)");
            // 16 MB of shared buffers and a table several times larger: scans read it from the OS
            s.execute("insert into big select g, repeat('p', 200) from generate_series(1, 300000) g");
        }
        CacheHitDetector cache = new CacheHitDetector(target);
        TempSpillsDetector temp = new TempSpillsDetector(target);
        Runs.detect(cache, Map.of());
        Runs.detect(temp, Map.of());
        long[] before = databaseCounters();
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                try (ResultSet rs = s.executeQuery("select count(*) from big")) {
                    rs.next();
                }
            }
            // a sort far beyond work_mem (64kB) spills to temp files
            try (ResultSet rs = s.executeQuery("select count(*) from (select id, pad from big order by pad desc, id offset 1) sorted")) {
                rs.next();
            }
        }
        // a detection consumes its window: first wait until the session's counters reached pg_stat_database
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long[] now = databaseCounters();
            return now[0] - before[0] > 10_000 && now[1] - before[1] > 1024 * 1024;
        });
        {
            Detection r = Runs.detect(cache, Map.of());
            Finding f = r.findings().stream().findFirst().orElseThrow();
            assertThat(f.subject()).isEqualTo("database postgres (cache hit ratio)");
            // how much the OS and the ring buffer serve differs by version and load: below 0.98 is what counts
            assertThat(f.severity()).isGreaterThanOrEqualTo(Severity.WARNING);
            assertThat((Double) f.evidence().get("hit_ratio")).isLessThan(0.98);
            assertThat((Long) f.evidence().get("blocks_read")).isGreaterThan(10_000L);
            assertThat(Runs.signal(r, "postgres.cache.hit.ratio").orElseThrow()).isLessThan(0.98);
        }
        {
            Detection r = Runs.detect(temp, Map.of("warning", "1MB"));
            Finding f = r.findings().stream().findFirst().orElseThrow();
            assertThat(f.subject()).isEqualTo("database postgres (temp files)");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat((Long) f.evidence().get("temp_bytes")).isGreaterThan(1024L * 1024);
            assertThat(Runs.signal(r, "postgres.temp.spilled").orElseThrow()).isGreaterThan(1024.0 * 1024);
        }
    }

    private static long[] databaseCounters() throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select blks_read, temp_bytes from pg_stat_database where datname = 'postgres'")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    @Test
    void checksumsOffIsInfoOnly() throws Exception {
        ChecksumsDetector d = new ChecksumsDetector(target);
        Runs.detect(d, Map.of());
        Detection r = Runs.detect(d, Map.of());
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
            assertThat(f.evidence().get("data_checksums")).isEqualTo("off");
        });
        assertThat(Runs.signal(r, "postgres.checksums.enabled")).contains(0.0);
        assertThat(Runs.signal(r, "postgres.checksums.failures")).contains(0.0);
    }
}
