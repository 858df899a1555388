package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * How indexes are built, in postgres.indexes: intersected and identical indexes the redundant-index finding does not
 * settle, mostly-NULL leading columns, boolean keys, B-trees on arrays and bloat, each made for real in a database of
 * its own (the shapes of pg-index-health's fixtures), and a well-built schema that stays silent.
 */
@ExtendWith(PostgresExtension.class)
class IndexDesignIT {
    private static final Map<String, String> LOW = Map.of("unused.min-stats-age", "1000d", "nulls.min-rows", "1000",
            "bloat.min-wasted", "1MB", "bloat.exact", "0");

    @Test
    void intersectedAndIdenticalIndexesBeyondTheRedundantOnes(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table accounts (id int primary key, email text, code text, x int, y int, z int, placed int);
                insert into accounts select g, 'e' || g, 'c' || g, g, g, g, g from generate_series(1, 1000) g;
                -- a unique constraint repeating the primary key: both back constraints, so drop index cannot settle it
                alter table accounts add constraint accounts_id_key unique (id);
                -- a unique index leading a wider one: uniqueness keeps it, the wider one may serve more
                create unique index accounts_email_key on accounts (email);
                create index accounts_email_x on accounts (email, x);
                -- one column under two operator classes
                create index accounts_code on accounts (code);
                create index accounts_code_pattern on accounts (code text_pattern_ops);
                -- one column under two access methods
                create index accounts_z on accounts (z);
                create index accounts_z_hash on accounts using hash (z);
                -- the redundant-index finding's own cases, which must not come again as intersections
                create index accounts_x on accounts (x);
                create index accounts_x_y on accounts (x, y);
                create index accounts_placed on accounts (placed);
                create index accounts_placed_again on accounts (placed);
                -- expressions over one column are not an overlap
                create index accounts_lower on accounts (lower(email));
                create index accounts_upper on accounts (upper(email));
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("intersected", db.jdbcUrl())) {
            Detection r = Runs.detect(new IndexesDetector(target), LOW);

            Finding copy = find(r, "public.accounts_id_key (duplicate)").orElseThrow();
            assertThat(copy.severity()).isEqualTo(Severity.WARNING);
            assertThat(copy.problem()).isEqualTo(Problem.UNUSED_INDEXES);
            assertThat(copy.evidence()).containsEntry("other", "public.accounts_pkey").containsEntry("relation", "identical");
            assertThat(copy.hint()).startsWith("keep public.accounts_pkey; alter table public.accounts drop constraint accounts_id_key;");
            assertThat(find(r, "public.accounts_pkey (duplicate)")).isEmpty();

            assertThat(find(r, "public.accounts_email_key ~ accounts_email_x (intersected)").orElseThrow().evidence())
                    .containsEntry("relation", "unique");
            Finding pattern = r.findings().stream().filter(f -> f.subject().contains("accounts_code") && f.subject().endsWith(
                    "(intersected)")).findFirst().orElseThrow();
            assertThat(pattern.evidence()).containsEntry("relation", "opclass");
            assertThat(pattern.severity()).isEqualTo(Severity.INFO);
            assertThat(pattern.hint()).startsWith("review before dropping either").doesNotContain("drop index");
            Finding method = r.findings().stream().filter(f -> f.subject().contains("accounts_z") && f.subject().endsWith(
                    "(intersected)")).findFirst().orElseThrow();
            assertThat(method.evidence()).containsEntry("relation", "method");

            List<String> intersected = r.findings().stream().map(Finding::subject)
                    .filter(s -> s.endsWith("(intersected)") || s.endsWith("(duplicate)")).toList();
            assertThat(intersected).hasSize(4)
                    .noneMatch(s -> s.contains("accounts_x") || s.contains("accounts_placed") || s.contains("lower"));
            // the redundant-index finding still says its own
            assertThat(find(r, "public.accounts_x (redundant)")).isPresent();
            assertThat(find(r, "public.accounts_placed_again (redundant)")).isPresent();
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "intersected")).contains(4.0);
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "duplicate")).contains(2.0);
        }
    }

    @Test
    void aDuplicateOnAPartitionedTableIsOneFindingWhoseDropWorksAsWritten(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table events (id int, at int) partition by range (at);
                create table events_1 partition of events for values from (0) to (1000);
                create table events_2 partition of events for values from (1000) to (2000);
                create table events_3 partition of events for values from (2000) to (3000);
                insert into events select g, g from generate_series(0, 2999) g;
                create index events_at on events (at);
                create index events_at_again on events (at);
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("partitioned", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Detection r = Runs.detect(d, LOW);
            // the partitions' copies go with their parent's: one cause, one finding
            List<Finding> redundant = r.findings().stream().filter(f -> f.subject().endsWith("(redundant)")).toList();
            assertThat(redundant).extracting(Finding::subject).containsExactly("public.events_at_again (redundant)");
            String hint = redundant.get(0).hint();
            // PostgreSQL refuses to drop a partitioned table's index concurrently; the lock it takes is bounded
            assertThat(hint).contains("set lock_timeout = '5s'; drop index public.events_at_again;")
                    .doesNotContain("drop index concurrently");

            String statements = hint.substring(hint.indexOf("set lock_timeout"), hint.indexOf(" (an index"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                for (String sql : statements.split(";")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
            }
            assertThat(Runs.detect(d, LOW).findings()).noneMatch(f -> f.subject().contains("events_at"));
        }
    }

    @Test
    void anIndexOfMostlyNullsIsReportedAndItsHintWorksAsWritten(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table shipments (id int primary key, tracking int, returned_at int);
                insert into shipments select g, case when g % 10 = 0 then g end, case when g % 10 = 0 then g end
                  from generate_series(1, 50000) g;
                create index shipments_tracking on shipments (tracking);
                -- already partial: the nulls are not in it
                create index shipments_returned on shipments (returned_at) where returned_at is not null;
                analyze shipments;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("nulls", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Detection r = Runs.detect(d, LOW);
            Finding nulls = find(r, "public.shipments_tracking (mostly null)").orElseThrow();
            assertThat(nulls.problem()).isEqualTo(Problem.UNUSED_INDEXES);
            assertThat(nulls.evidence()).containsEntry("column", "tracking");
            assertThat((Double) nulls.evidence().get("null_frac")).isBetween(0.85, 0.95);
            assertThat(nulls.hint()).contains("create index concurrently shipments_tracking_not_null on public.shipments "
                    + "USING btree (tracking) where tracking is not null; drop index concurrently public.shipments_tracking;");
            assertThat(r.findings()).noneMatch(f -> f.subject().contains("shipments_returned"));
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "mostly-null")).contains(1.0);
            // below the table-size floor it is not judged
            assertThat(find(Runs.detect(d, Map.of("nulls.min-rows", "100000")), "public.shipments_tracking (mostly null)")).isEmpty();

            // following the hint literally leaves nothing to report
            String statements = nulls.hint().substring(nulls.hint().indexOf("create index concurrently"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                for (String sql : statements.split(";")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
            }
            Detection after = Runs.detect(d, LOW);
            assertThat(after.findings()).noneMatch(f -> f.subject().contains("shipments_tracking"));
            assertThat(Runs.signal(after, "postgres.indexes.flagged", "mostly-null")).contains(0.0);
        }
    }

    @Test
    void booleanKeysAndBtreesOnArrays(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table posts (id int primary key, published bool not null, pinned bool not null, tags text[]);
                insert into posts select g, g % 2 = 0, g % 50 = 0, array['t' || (g % 7)] from generate_series(1, 5000) g;
                create index posts_published on posts (published);
                create index posts_published_pinned on posts (published, pinned);
                -- a boolean after a useful key column is fine
                create index posts_id_published on posts (id, published);
                -- a partial index on the rare value is the right shape
                create index posts_pinned on posts (id) where pinned;
                create index posts_tags on posts (tags);
                create index posts_tags_gin on posts using gin (tags);
                analyze posts;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("shapes", db.jdbcUrl())) {
            Detection r = Runs.detect(new IndexesDetector(target), LOW);
            Finding bool = find(r, "public.posts_published (boolean)").orElseThrow();
            assertThat(bool.severity()).isEqualTo(Severity.WARNING);
            assertThat(bool.evidence()).containsEntry("columns", "published");
            assertThat(find(r, "public.posts_published_pinned (boolean)").orElseThrow().evidence())
                    .containsEntry("columns", "published, pinned");
            assertThat(find(r, "public.posts_id_published (boolean)")).isEmpty();
            assertThat(r.findings()).noneMatch(f -> f.subject().startsWith("public.posts_pinned"));
            Finding array = find(r, "public.posts_tags (array b-tree)").orElseThrow();
            assertThat(array.hint()).contains("create index concurrently posts_tags_gin on public.posts using gin (tags);")
                    .contains("drop index concurrently public.posts_tags;");
            assertThat(find(r, "public.posts_tags_gin (array b-tree)")).isEmpty();
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "boolean")).contains(2.0);
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "array-btree")).contains(1.0);
        }
    }

    @Test
    void anIndexBloatedByDeletesIsEstimatedFromTheStatistics(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        bloat(db);
        try (PostgresTarget target = PostgresTarget.fromUrl("bloat", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Detection r = Runs.detect(d, LOW);
            Finding bloat = find(r, "public.ledger_ref (bloat)").orElseThrow();
            assertThat(bloat.problem()).isEqualTo(Problem.STORAGE_BLOAT);
            assertThat(bloat.severity()).isEqualTo(Severity.WARNING);
            assertThat(bloat.evidence()).containsEntry("method", "estimate");
            assertThat((Double) bloat.evidence().get("bloat_ratio")).isBetween(0.7, 0.95);
            assertThat((Long) bloat.evidence().get("wasted_bytes")).isGreaterThan(1024L * 1024);
            assertThat(bloat.hint()).endsWith("reindex index concurrently public.ledger_ref;");
            assertThat(Runs.signal(r, "postgres.indexes.flagged", "bloated").orElseThrow()).isGreaterThanOrEqualTo(1.0);
            assertThat(Runs.signal(r, "postgres.indexes.bloat").orElseThrow()).isGreaterThan(1024.0 * 1024);
            // the floors hold it back
            assertThat(find(Runs.detect(d, Map.of("bloat.exact", "0")), "public.ledger_ref (bloat)")).isEmpty();
            assertThat(find(Runs.detect(d, Map.of("bloat.min-wasted", "1MB", "bloat.exact", "0", "bloat.ratio", "0.97")),
                    "public.ledger_ref (bloat)")).isEmpty();
        }
    }

    @Test
    void pgstatindexMeasuresTheLargestCandidatesWhenInstalled(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_available_extensions where name = 'pgstattuple'")) {
            rs.next();
            assumeTrue(rs.getLong(1) == 1, "the server has no pgstattuple extension to install");
        }
        db.execute("create extension pgstattuple;");
        bloat(db);
        Map<String, String> exact = Map.of("nulls.min-rows", "1000", "bloat.min-wasted", "1MB", "bloat.exact", "3");
        try (PostgresTarget target = PostgresTarget.fromUrl("pgstattuple", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Detection r = Runs.detect(d, exact);
            Finding bloat = find(r, "public.ledger_ref (bloat)").orElseThrow();
            assertThat(bloat.evidence()).containsEntry("method", "pgstatindex");
            assertThat((Double) bloat.evidence().get("bloat_ratio")).isBetween(0.7, 0.95);
            assertThat(r.notes()).noneMatch(n -> n.contains("pgstatindex could not"));
            // a role that may not run pgstatindex keeps the estimate and is told why, and the run goes on
            String role = "telltale_" + db.database().replaceAll("[^a-z0-9_]", "_");
            db.execute("create role " + role + " login;\ngrant select on ledger to " + role + ";");
            try (PostgresTarget reader = PostgresTarget.fromUrl("unprivileged", "jdbc:postgresql://" + db.host() + ":" + db.port()
                    + "/" + db.database() + "?user=" + role)) {
                Detection denied = Runs.detect(new IndexesDetector(reader), exact);
                assertThat(denied.notes()).anyMatch(n -> n.startsWith("pgstatindex could not measure")
                        && n.contains("public.ledger_ref (") && n.contains("permission denied for function pgstatindex"));
                assertThat(find(denied, "public.ledger_ref (bloat)").orElseThrow().evidence()).containsEntry("method", "estimate");
            } finally {
                db.execute("drop owned by " + role + ";\ndrop role " + role + ";");
            }

            // the hint, followed literally, leaves a compact index that the measurement clears
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute(bloat.hint().substring(bloat.hint().indexOf("reindex")));
                s.execute("analyze ledger");
            }
            Detection after = Runs.detect(d, exact);
            assertThat(find(after, "public.ledger_ref (bloat)")).isEmpty();
        }
    }

    @Test
    void indexesOfATableLockedOrAwaitingAnExclusiveLockAreLeftForLater(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table flags (id int primary key, on_off bool not null);
                create index flags_on_off on flags (on_off);
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("locked", db.jdbcUrl());
             Connection reader = db.connect(); Connection altering = db.connect()) {
            IndexesDetector d = new IndexesDetector(target);
            assertThat(find(Runs.detect(d, LOW), "public.flags_on_off (boolean)")).isPresent();
            // a reader holds the table; an ALTER TABLE queues behind it for an exclusive lock: our reads must not queue
            reader.setAutoCommit(false);
            try (Statement s = reader.createStatement()) {
                s.execute("select count(*) from flags");
            }
            CompletableFuture<Void> alter = CompletableFuture.runAsync(() -> {
                try (Statement s = altering.createStatement()) {
                    s.execute("alter table flags add column note text");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForExclusive(db));
            long started = System.nanoTime();
            Detection r = Runs.detect(d, LOW);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5000);
            assertThat(find(r, "public.flags_on_off (boolean)")).isEmpty();
            reader.rollback();
            alter.get(20, TimeUnit.SECONDS);
            assertThat(find(Runs.detect(d, LOW), "public.flags_on_off (boolean)")).isPresent();
        }
    }

    @Test
    void aWellBuiltSchemaIsSilent(TestPostgres pg) throws Exception {
        TestPostgres db = schema(pg, """
                create table customers (id bigint primary key, email text not null, referrer bigint, tags text[], active bool not null);
                insert into customers select g, 'c' || g || '@x', case when g % 3 <> 0 then g - 1 end, array['a'], g % 2 = 0
                  from generate_series(1, 30000) g;
                create unique index customers_email on customers (lower(email));
                create index customers_referrer on customers (referrer);
                create index customers_tags on customers using gin (tags);
                create index customers_active_id on customers (id) where active;
                analyze customers;
                """);
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_available_extensions where name = 'pgstattuple'")) {
            rs.next();
            if (rs.getLong(1) == 1) {
                s.execute("create extension pgstattuple");
            }
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("well-built", db.jdbcUrl())) {
            Detection r = Runs.detect(new IndexesDetector(target), Map.of("unused.min-stats-age", "0s",
                    "nulls.min-rows", "0", "bloat.min-wasted", "64kB", "bloat.exact", "3"));
            assertThat(r.findings()).isEmpty();
            assertThat(r.notes()).isEmpty();
            for (String kind : List.of("intersected", "mostly-null", "boolean", "array-btree", "bloated")) {
                assertThat(Runs.signal(r, "postgres.indexes.flagged", kind)).as(kind).contains(0.0);
            }
            assertThat(Runs.signal(r, "postgres.indexes.bloat")).contains(0.0);
        }
    }

    /** An index whose table lost nine rows in ten: a plain vacuum frees the entries but keeps the pages. */
    private static void bloat(TestPostgres db) throws Exception {
        db.execute("""
                create table ledger (id int primary key, ref int not null) with (autovacuum_enabled = false);
                insert into ledger select g, g from generate_series(1, 200000) g;
                create index ledger_ref on ledger (ref);
                delete from ledger where id % 10 <> 0;
                """);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("vacuum ledger");
            s.execute("analyze ledger");
        }
    }

    private static boolean waitingForExclusive(TestPostgres db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_locks where mode = 'AccessExclusiveLock' and not granted "
                     + "and relation = 'flags'::regclass")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** A database of the test's own with the given schema. */
    private static TestPostgres schema(TestPostgres pg, String sql) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute(sql);
        return db;
    }

    private static Optional<Finding> find(Detection r, String subject) {
        return r.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }
}
