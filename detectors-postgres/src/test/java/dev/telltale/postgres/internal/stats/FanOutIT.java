package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.postgres.support.Runs;
import dev.telltale.postgres.support.ShopTables;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The N+1 fan-out signature of postgres.statements on real pg_stat_statements, for the workloads that fooled
 * the old "calls per committed transaction" test: an N+1 in three transactions among 229 other commits and one
 * in autocommit are found; a 90 %-rollback workload, pgbench and a batch loader (IN lists, a per-row write) are
 * silent. The class's own database is the only one watched (the detector's default), so other tests on the
 * server do not reach its windows; each test takes its starting snapshot right before its workload.
 * pg_stat_statements updates its counters as each statement ends, so a window read after the workload has
 * returned holds all of it.
 */
@ExtendWith(PostgresExtension.class)
class FanOutIT {
    @RegisterExtension
    static final ClassTarget fanout = new ClassTarget("fanout", db -> ShopTables.create(db, "fo_",
            "create table fo_sink (id bigserial primary key, v int not null)"));

    @Test
    void threeTransactionsOf400LookupsAmong229OtherCommitsAreFound() throws Exception {
        StatementsDetector d = started();
        try (Connection c = fanout.database().connect();
             PreparedStatement list = c.prepareStatement("select id, customer_id from fo_orders where id > ? order by id limit 400");
             PreparedStatement lookup = c.prepareStatement("select name from fo_customers where id = ?");
             PreparedStatement other = c.prepareStatement("update fo_orders set total = total + 1 where id = ?")) {
            c.setAutoCommit(false);
            for (int i = 0; i < 232; i++) {
                if (i % 77 == 1) {
                    // the N+1: one query for 400 orders, then one lookup per order, in one transaction
                    list.setInt(1, i * 5);
                    for (int customer : ints(list, 2)) {
                        lookup.setInt(1, customer);
                        drain(lookup);
                    }
                } else {
                    other.setInt(1, 1 + i);
                    other.executeUpdate();
                }
                c.commit();
            }
        }
        Detection r = Runs.detect(d, Map.of());
        List<Finding> found = nPlusOne(r);
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        System.out.printf("3 x 400 among 229 commits: %s%n", f.evidence());
        // 1200 calls over 232 commits would be 5.2 per transaction, below any per-transaction threshold
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).startsWith("queryid ").endsWith("(once per row of another statement)");
        assertThat(f.evidence()).containsEntry("calls", 1200L).containsEntry("parent_calls", 3L)
                .containsEntry("parent_rows", 1200L).containsEntry("calls_per_parent_row", 1.0)
                .containsEntry("fan_out", 400.0).containsEntry("rows_per_call", 1.0);
        assertThat((String) f.evidence().get("query")).isEqualTo("select name from fo_customers where id = $1");
        assertThat((String) f.evidence().get("parent_query"))
                .isEqualTo("select id, customer_id from fo_orders where id > $1 order by id limit $2");
        assertThat(f.summary()).contains("once per row").contains("N+1");
        assertThat(f.hint()).contains("join");
        assertThat(Runs.above(r, Severity.INFO)).containsExactly(f);
        assertThat(Runs.signal(r, "postgres.statements.flagged", "n_plus_one")).contains(1.0);
        assertThat(Runs.signal(r, "postgres.statements.n_plus_one.fan_out")).contains(400.0);
    }

    @Test
    void autocommitOnePlusFiftyLookupsAreFound() throws Exception {
        StatementsDetector d = started();
        try (Connection c = fanout.database().connect();
             PreparedStatement list = c.prepareStatement("select customer_id from fo_orders where id between ? and ?");
             PreparedStatement lookup = c.prepareStatement("select id, name from fo_customers where id = ?")) {
            list.setInt(1, 1001);
            list.setInt(2, 1050);
            for (int customer : ints(list, 1)) {
                lookup.setInt(1, customer);
                drain(lookup);
            }
        }
        Detection r = Runs.detect(d, Map.of());
        List<Finding> found = nPlusOne(r);
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        System.out.printf("autocommit 1 + 50: %s%n", f.evidence());
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence()).containsEntry("calls", 50L).containsEntry("parent_calls", 1L)
                .containsEntry("parent_rows", 50L).containsEntry("calls_per_parent_row", 1.0)
                .containsEntry("fan_out", 50.0);
        assertThat((String) f.evidence().get("query")).isEqualTo("select id, name from fo_customers where id = $1");
        assertThat((String) f.evidence().get("parent_query")).contains("from fo_orders where id between $1 and $2");
        assertThat(Runs.signal(r, "postgres.statements.n_plus_one.fan_out")).contains(50.0);
    }

    @Test
    void aNinetyPercentRollbackWorkloadIsSilent() throws Exception {
        StatementsDetector d = started();
        long beginsBefore = utilityCalls("begin");
        try (Connection c = fanout.database().connect();
             PreparedStatement report = c.prepareStatement("select id, total from fo_orders order by id limit 1000");
             PreparedStatement insert = c.prepareStatement("insert into fo_sink (v) values (?)")) {
            // a report returning exactly as many rows as there are BEGINs and INSERTs below: on counters alone,
            // both would look like one call per row of it
            assertThat(ints(report, 1)).hasSize(1000);
            c.setAutoCommit(false);
            for (int i = 0; i < 1000; i++) {
                insert.setInt(1, i);
                insert.executeUpdate();
                if (i % 10 == 0) {
                    c.commit();
                } else {
                    c.rollback();
                }
            }
        }
        Detection r = Runs.detect(d, Map.of());
        long begins = utilityCalls("begin") - beginsBefore;
        System.out.printf("90%% rollback: %d BEGINs and 1000 INSERTs for 100 commits (%.1f calls per committed "
                + "transaction), beside a 1000-row report: findings %s%n", begins, begins / 100.0, r.findings());
        assertThat(begins).as("ours: one BEGIN per detector run").isBetween(1000L, 1002L);
        assertThat(nPlusOne(r)).isEmpty();
        assertThat(Runs.above(r, Severity.WARNING)).isEmpty();
        assertThat(Runs.signal(r, "postgres.statements.flagged", "n_plus_one")).contains(0.0);
        assertThat(Runs.signal(r, "postgres.statements.n_plus_one.fan_out")).contains(0.0);
    }

    @Test
    void aHealthyPgbenchRunIsSilent() throws Exception {
        Optional<Path> pgbench = pgbench();
        if (pgbench.isPresent()) {
            run(pgbench.get(), "-i", "-s", "1", "-q");
        }
        StatementsDetector d = started();
        if (pgbench.isPresent()) {
            run(pgbench.get(), "-n", "-c", "2", "-j", "2", "-t", "500", "-M", "prepared");
        } else {
            tpcbOverJdbc(1000);
        }
        Detection r = Runs.detect(d, Map.of());
        System.out.printf("pgbench (%s): window calls %.0f, findings %s%n", pgbench.isPresent() ? "binary" : "JDBC",
                Runs.signal(r, "postgres.statements.window.calls").orElseThrow(), r.findings());
        assertThat(Runs.signal(r, "postgres.statements.window.calls").orElseThrow()).isGreaterThanOrEqualTo(4000.0);
        assertThat(nPlusOne(r)).isEmpty();
        assertThat(Runs.signal(r, "postgres.statements.flagged", "n_plus_one")).contains(0.0);
    }

    @Test
    void aBatchLoaderIsSilent() throws Exception {
        StatementsDetector d = started();
        try (Connection c = fanout.database().connect();
             PreparedStatement ids = c.prepareStatement("select customer_id from fo_orders where id > ? order by id limit 1000");
             PreparedStatement array = c.prepareStatement("select id, name from fo_customers where id = any(?)");
             PreparedStatement write = c.prepareStatement("update fo_customers set name = name where id = ?")) {
            for (int round = 0; round < 3; round++) {
                ids.setInt(1, round * 1000);
                List<Integer> wanted = ints(ids, 1);
                // loaded in batches of 50: an IN list of 50 parameters, 20 calls, 50 rows per call
                for (int from = 0; from < wanted.size(); from += 50) {
                    List<Integer> batch = wanted.subList(from, from + 50).stream().distinct().toList();
                    String in = String.join(", ", Collections.nCopies(batch.size(), "?"));
                    try (PreparedStatement p = c.prepareStatement("select id, name from fo_customers where id in (" + in + ")")) {
                        for (int i = 0; i < batch.size(); i++) {
                            p.setInt(i + 1, batch.get(i));
                        }
                        drain(p);
                    }
                }
                // and all at once as an array
                array.setArray(1, c.createArrayOf("int4", wanted.toArray()));
                drain(array);
                // a batch writer touching each row: writes are not lookups
                for (int customer : wanted) {
                    write.setInt(1, customer);
                    write.addBatch();
                }
                write.executeBatch();
            }
        }
        Detection r = Runs.detect(d, Map.of());
        System.out.printf("batch loader: findings %s%n", r.findings());
        assertThat(nPlusOne(r)).isEmpty();
        assertThat(Runs.signal(r, "postgres.statements.flagged", "n_plus_one")).contains(0.0);
    }

    /** A detector that has taken its starting snapshot. */
    private static StatementsDetector started() throws Exception {
        StatementsDetector d = new StatementsDetector(fanout.get());
        assertThat(Runs.detect(d, Map.of()).findings()).isEmpty();
        return d;
    }

    private static List<Finding> nPlusOne(Detection r) {
        return r.findings().stream().filter(f -> f.problem() == Problem.N_PLUS_ONE_QUERY).toList();
    }

    /** Runs the query and returns column {@code col} of every row. */
    private static List<Integer> ints(PreparedStatement p, int col) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getInt(col));
            }
        }
        return out;
    }

    private static void drain(PreparedStatement p) throws Exception {
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    /** Calls of the utility statement {@code word} in this class's database since the server started counting. */
    private static long utilityCalls(String word) throws Exception {
        try (Connection c = fanout.database().connect(); PreparedStatement p = c.prepareStatement(
                "select coalesce(sum(calls), 0) from pg_stat_statements where dbid = (select oid from pg_database "
                        + "where datname = current_database()) and lower(query) = ?")) {
            p.setString(1, word);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Optional<Path> pgbench() throws Exception {
        List<Path> dirs = new ArrayList<>();
        fanout.database().binDir().ifPresent(dirs::add);
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Collections.reverseOrder()).forEach(v -> dirs.add(v.resolve("bin")));
            }
        }
        return dirs.stream().map(dir -> dir.resolve("pgbench")).filter(Files::isExecutable).findFirst();
    }

    private static void run(Path pgbench, String... args) throws Exception {
        TestPostgres pg = fanout.database();
        List<String> command = new ArrayList<>(List.of(pgbench.toString(), "-h", pg.host(), "-p", Integer.toString(pg.port()),
                "-U", pg.user()));
        command.addAll(List.of(args));
        command.add(pg.database());
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        if (pg.password() != null) {
            b.environment().put("PGPASSWORD", pg.password());
        }
        Path log = Files.createTempFile("pgbench", ".log");
        Process p = b.redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        assertThat(done).as("pgbench %s finished", List.of(args)).isTrue();
        assertThat(p.exitValue()).as("pgbench %s: %s", List.of(args), Files.readString(log)).isZero();
    }

    /** pgbench's TPC-B-like transaction over JDBC, where no pgbench binary is installed. */
    private static void tpcbOverJdbc(int transactions) throws Exception {
        try (Connection c = fanout.database().connect(); Statement s = c.createStatement()) {
            s.execute("create table if not exists pgbench_accounts (aid int primary key, bid int, abalance int)");
            s.execute("create table if not exists pgbench_tellers (tid int primary key, bid int, tbalance int)");
            s.execute("create table if not exists pgbench_branches (bid int primary key, bbalance int)");
            s.execute("create table if not exists pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp)");
            s.execute("insert into pgbench_accounts select g, 1, 0 from generate_series(1, 100000) g on conflict do nothing");
            s.execute("insert into pgbench_tellers select g, 1, 0 from generate_series(1, 10) g on conflict do nothing");
            s.execute("insert into pgbench_branches values (1, 0) on conflict do nothing");
        }
        java.util.Random random = new java.util.Random(42);
        try (Connection c = fanout.database().connect();
             PreparedStatement a = c.prepareStatement("update pgbench_accounts set abalance = abalance + ? where aid = ?");
             PreparedStatement sel = c.prepareStatement("select abalance from pgbench_accounts where aid = ?");
             PreparedStatement t = c.prepareStatement("update pgbench_tellers set tbalance = tbalance + ? where tid = ?");
             PreparedStatement b = c.prepareStatement("update pgbench_branches set bbalance = bbalance + ? where bid = ?");
             PreparedStatement h = c.prepareStatement("insert into pgbench_history (tid, bid, aid, delta, mtime) "
                     + "values (?, ?, ?, ?, current_timestamp)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < transactions; i++) {
                int aid = 1 + random.nextInt(100000);
                int tid = 1 + random.nextInt(10);
                int delta = random.nextInt(10001) - 5000;
                a.setInt(1, delta);
                a.setInt(2, aid);
                a.executeUpdate();
                sel.setInt(1, aid);
                ints(sel, 1);
                t.setInt(1, delta);
                t.setInt(2, tid);
                t.executeUpdate();
                b.setInt(1, delta);
                b.setInt(2, 1);
                b.executeUpdate();
                h.setInt(1, tid);
                h.setInt(2, 1);
                h.setInt(3, aid);
                h.setInt(4, delta);
                h.executeUpdate();
                c.commit();
            }
        }
    }
}
