package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.postgres.support.Runs;
import dev.telltale.postgres.support.ShopTables;
import dev.telltale.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * postgres.statements against real pg_stat_statements: an N+1 loop beside a healthy workload, a statement
 * made slower by dropping its index, and a healthy run. Only this class's own database is watched (the
 * detector's default), so other tests sharing the server do not interfere. Runs on 13 (extension 1.8, no
 * pg_stat_statements_info) and 17 (1.11) in the version matrix.
 */
@ExtendWith(PostgresExtension.class)
class StatementsIT {
    @RegisterExtension
    static final ClassTarget stmts = new ClassTarget("stmts", db -> ShopTables.create(db, "",
            "create table items (id int primary key, code int not null, payload text not null)",
            "insert into items select g, g, repeat('x', 40) from generate_series(1, 300000) g",
            "create index items_code on items (code)"));

    @Test
    void reportsTheNPlusOneLoopAndNothingOfTheHealthyWorkload() throws Exception {
        StatementsDetector d = new StatementsDetector(stmts.get());
        assertThat(Runs.detect(d, Map.of()).findings()).isEmpty(); // the starting snapshot

        try (Connection c = stmts.database().connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement list = c.prepareStatement("select id, customer_id from orders where id > ? order by id limit 200");
                 PreparedStatement lookup = c.prepareStatement("select name from customers where id = ?");
                 PreparedStatement healthy = c.prepareStatement("select total from orders where id = ?")) {
                for (int tx = 0; tx < 10; tx++) {
                    // the N+1: one query for the orders, then one lookup per order
                    list.setInt(1, tx * 200);
                    List<Integer> customers = new ArrayList<>();
                    try (ResultSet rs = list.executeQuery()) {
                        while (rs.next()) {
                            customers.add(rs.getInt(2));
                        }
                    }
                    for (int customer : customers) {
                        lookup.setInt(1, customer);
                        try (ResultSet rs = lookup.executeQuery()) {
                            rs.next();
                        }
                    }
                    c.commit();
                }
                for (int tx = 0; tx < 100; tx++) {
                    healthy.setInt(1, 1 + tx);
                    try (ResultSet rs = healthy.executeQuery()) {
                        rs.next();
                    }
                    c.commit();
                }
            }
        }
        Detection r = Runs.detect(d, Map.of());
        List<Finding> found = Runs.above(r, Severity.INFO);
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        assertThat(f.problem()).isEqualTo(Problem.N_PLUS_ONE_QUERY);
        // ten calls of the outer query, 200 rows each, and one lookup per row
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).startsWith("queryid ").endsWith("(once per row of another statement)");
        assertThat(f.evidence().get("calls")).isEqualTo(2000L);
        assertThat(f.evidence().get("parent_rows")).isEqualTo(2000L);
        assertThat(f.evidence().get("parent_calls")).isEqualTo(10L);
        assertThat((Double) f.evidence().get("rows_per_call")).isEqualTo(1.0);
        assertThat((Double) f.evidence().get("fan_out")).isEqualTo(200.0);
        assertThat((String) f.evidence().get("query")).contains("from customers where id");
        assertThat((String) f.evidence().get("parent_query")).contains("from orders where id >");
        assertThat(f.summary()).contains("N+1");
        assertThat(Runs.signal(r, "postgres.statements.flagged", "n_plus_one")).contains(1.0);
        assertThat(Runs.signal(r, "postgres.statements.flagged", "slow")).contains(0.0);
        assertThat(Runs.signal(r, "postgres.statements.n_plus_one.fan_out")).contains(200.0);
        assertThat(Runs.signal(r, "postgres.statements.window.calls").orElseThrow()).isGreaterThanOrEqualTo(2110.0);
    }

    @Test
    void reportsAStatementThatGotTenTimesSlowerAsARegression() throws Exception {
        StatementsDetector d = new StatementsDetector(stmts.get());
        Runs.detect(d, Map.of());
        lookUpItems(150);
        Detection learned = Runs.detect(d, Map.of());
        assertThat(Runs.above(learned, Severity.INFO)).isEmpty();

        try (Connection c = stmts.database().connect(); Statement s = c.createStatement()) {
            s.execute("drop index items_code");
        }
        lookUpItems(150);
        Detection r = Runs.detect(d, Map.of());
        List<Finding> found = r.findings().stream().filter(f -> f.problem() == Problem.SLOW_QUERIES).toList();
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).startsWith("queryid ").doesNotContain("(");
        assertThat(f.summary()).contains("slower than its baseline");
        assertThat(f.evidence().get("calls")).isEqualTo(150L);
        assertThat((Double) f.evidence().get("mean_ms")).isGreaterThan(10 * (Double) f.evidence().get("baseline_mean_ms"));
        assertThat((String) f.evidence().get("query")).contains("from items where code");
        assertThat(Runs.signal(r, "postgres.statements.flagged", "regression")).contains(1.0);
        assertThat(Runs.signal(r, "postgres.statements.top.mean", "1").orElseThrow()).isGreaterThan(0.001);

        try (Connection c = stmts.database().connect(); Statement s = c.createStatement()) {
            s.execute("create index items_code on items (code)");
        }
    }

    @Test
    void aHealthyWorkloadRaisesNothing() throws Exception {
        StatementsDetector d = new StatementsDetector(stmts.get());
        Runs.detect(d, Map.of());
        try (Connection c = stmts.database().connect(); PreparedStatement p = c.prepareStatement("select name from customers where id = ?");
             PreparedStatement w = c.prepareStatement("update orders set total = total + 1 where id = ?")) {
            for (int i = 1; i <= 300; i++) {
                p.setInt(1, i);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                }
                w.setInt(1, i);
                w.executeUpdate();
            }
        }
        Detection r = Runs.detect(d, Map.of());
        assertThat(Runs.above(r, Severity.WARNING)).isEmpty();
        assertThat(Runs.signal(r, "postgres.statements.tracked").orElseThrow()).isPositive();
    }

    @Test
    void rowsOfOneStatementRunByTwoRolesAreMergedIntoOne() throws Exception {
        String role = "tt_stmts_" + ProcessHandle.current().pid();
        try (Connection c = stmts.database().connect(); Statement s = c.createStatement()) {
            s.execute("drop role if exists " + role);
            s.execute("create role " + role + " login password 'pw'");
        }
        try {
            StatementsDetector d = new StatementsDetector(stmts.get());
            Runs.detect(d, Map.of());
            // 60 calls of a 25 ms statement per role: neither row of pg_stat_statements reaches the 100 calls
            // a slow statement needs, their sum does
            try (Connection mine = stmts.database().connect();
                 Connection theirs = java.sql.DriverManager.getConnection(
                         "jdbc:postgresql://" + stmts.database().host() + ":" + stmts.database().port() + "/" + stmts.database().database(), role, "pw")) {
                for (Connection c : List.of(mine, theirs)) {
                    try (PreparedStatement p = c.prepareStatement("select pg_sleep(?)")) {
                        for (int i = 0; i < 60; i++) {
                            p.setDouble(1, 0.025);
                            p.execute();
                        }
                    }
                }
            }
            Detection r = Runs.detect(d, Map.of());
            Finding f = r.findings().stream().filter(x -> x.problem() == Problem.SLOW_QUERIES).findFirst().orElseThrow();
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence().get("calls")).isEqualTo(120L);
            assertThat((Double) f.evidence().get("mean_ms")).isGreaterThanOrEqualTo(25.0);
            assertThat((String) f.evidence().get("query")).contains("pg_sleep");
            assertThat(f.summary()).contains("averages");
        } finally {
            try (Connection c = stmts.database().connect(); Statement s = c.createStatement()) {
                s.execute("drop role if exists " + role);
            }
        }
    }

    @Test
    void aMissingDatabaseIsAnErrorThatNamesTheSetting() {
        StatementsDetector d = new StatementsDetector(stmts.get());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Runs.detect(d, Map.of("database", "no_such_db")))
                .hasMessageContaining("postgres.statements.database").hasMessageContaining("no_such_db");
    }

    private static void lookUpItems(int calls) throws Exception {
        try (Connection c = stmts.database().connect(); PreparedStatement p = c.prepareStatement("select payload from items where code = ?")) {
            for (int i = 0; i < calls; i++) {
                p.setInt(1, 1 + i * 997);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                }
            }
        }
    }
}
