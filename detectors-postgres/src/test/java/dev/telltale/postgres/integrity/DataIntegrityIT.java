package dev.telltale.postgres.integrity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.postgres.integrity.Runs.concurrently;
import static dev.telltale.postgres.integrity.Runs.detect;
import static dev.telltale.postgres.integrity.Runs.only;
import static dev.telltale.postgres.integrity.Runs.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Orphans, stuck sagas, corrupted rows, write skew, and ranged scans that resume across runs. */
@ExtendWith(PostgresExtension.class)
class DataIntegrityIT {
    @RegisterExtension
    static final ClassTarget app = new ClassTarget("app");

    // ---- orphans -----------------------------------------------------------------------------------------

    /** The application's "cancel order": the buggy version forgets the items; the fixed one deletes both at once. */
    private static void cancelOrder(Connection c, String orders, String items, long id, boolean fixed) throws Exception {
        c.setAutoCommit(false);
        if (fixed) {
            try (PreparedStatement s = c.prepareStatement("delete from " + items + " where order_id = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("delete from " + orders + " where id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
        c.commit();
    }

    private static void orders(TestPostgres pg, String orders, String items) throws Exception {
        pg.execute("create table " + orders + "(id bigint primary key, customer text)",
                // no foreign key: the relation lives in application code only
                "create table " + items + "(id bigserial primary key, order_id bigint, sku text)",
                "insert into " + orders + " select g, 'c' || g from generate_series(1, 50) g",
                "insert into " + items + "(order_id, sku) select g, 'sku' || k from generate_series(1, 50) g, generate_series(1, 3) k order by g, k",
                "insert into " + items + "(order_id, sku) values (null, 'gift card')");
    }

    /** Four users cancel orders 10, 20, 30 and 40 at once. */
    private static void cancelOrdersConcurrently(TestPostgres pg, String orders, String items, boolean fixed) throws Exception {
        AtomicInteger next = new AtomicInteger(1);
        concurrently(4, () -> {
            try (Connection c = pg.connect()) {
                cancelOrder(c, orders, items, next.getAndIncrement() * 10L, fixed);
            }
            return null;
        });
    }

    @Test
    void deletingTheParentInApplicationCodeLeavesOrphans(TestPostgres pg) throws Exception {
        orders(pg, "orders_o", "items_o");
        cancelOrdersConcurrently(pg, "orders_o", "items_o", false);
        Detector d = IntegrityChecks.on(app.get()).orphans("items_o").references("orders_o", "order_id").build();
        Finding f = only(detect(d));
        assertThat(f.detector()).isEqualTo("integrity.orphans");
        assertThat(f.problem()).isEqualTo(Problem.ORPHANED_RECORDS);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.subject()).isEqualTo("items_o(order_id) -> orders_o [items_o.order_id]");
        assertThat(f.evidence()).containsEntry("violations", 12L);
        assertThat((String) f.evidence().get("first")).contains("28 -> 10; ").contains("120 -> 40");

        // above the critical threshold it is critical
        Detection strict = detect(IntegrityChecks.on(app.get()).orphans("items_o").references("orders_o", "order_id")
                .criticalAbove(10).build());
        assertThat(only(strict).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void deletingBothInOneTransactionLeavesNone(TestPostgres pg) throws Exception {
        orders(pg, "orders_p", "items_p");
        cancelOrdersConcurrently(pg, "orders_p", "items_p", true);
        assertThat(detect(IntegrityChecks.on(app.get()).orphans("items_p").references("orders_p", "order_id").build())
                .findings()).isEmpty();
    }

    @Test
    void rangedOrphanScanResumesAcrossRunsAndKeepsWhatItSaw(TestPostgres pg) throws Exception {
        orders(pg, "orders_r", "items_r");
        try (Connection c = pg.connect()) {
            cancelOrder(c, "orders_r", "items_r", 2, false);  // items 4..6 (early in the table)
        }
        Detector d = IntegrityChecks.on(app.get()).orphans("items_r").references("orders_r", "order_id").chunkRows(100)
                .rangesPerRun(1).build();
        Finding first = only(detect(d));           // rows 1..100
        assertThat(first.evidence()).containsEntry("violations", 3L).containsEntry("rows scanned", 100L)
                .containsEntry("ranges scanned", 1).containsEntry("passes completed", 0L).containsEntry("resume after", "100");
        assertThat(first.evidence().get("rows per second")).isInstanceOf(Long.class);
        // next run scans the rest (51 rows); the orphans of the first range stay reported
        Finding second = only(detect(d));
        assertThat(second.evidence()).containsEntry("violations", 3L).containsEntry("rows scanned", 51L)
                .containsEntry("passes completed", 1L).containsEntry("resume after", "(start of table)");
        // repaired: gone after the range holding them is scanned again
        pg.execute("delete from items_r where order_id = 2");
        assertThat(detect(d).findings()).isEmpty();
    }

    // ---- a saga left half done ---------------------------------------------------------------------------

    /** Reserve stock, then charge; the charge fails. The buggy saga forgets to compensate. */
    private static void checkout(Connection c, String sagas, long id, boolean compensate) throws Exception {
        sql(c, "insert into " + sagas + "(id, step, updated_at) values (" + id + ", 'stock_reserved', clock_timestamp())");
        try {
            throw new IllegalStateException("payment provider timed out");
        } catch (IllegalStateException e) {
            if (compensate) {
                sql(c, "update " + sagas + " set step = 'cancelled', updated_at = clock_timestamp() where id = " + id);
            }
        }
    }

    @Test
    void sagaLeftHalfDoneIsStuckPastItsDeadline(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect()) {
            sql(c, "create table sagas_a(id bigint primary key, step text not null, updated_at timestamptz not null)",
                    "insert into sagas_a values (1, 'completed', now() - interval '1 hour')");
            checkout(c, "sagas_a", 2, false);
            checkout(c, "sagas_a", 3, true);
        }
        Detector d = IntegrityChecks.on(app.get()).stuckRows("sagas_a").state("step", "stock_reserved", "charged")
                .olderThan(Duration.ofMillis(300), "updated_at").build();
        // the deadline has not passed yet right after the failure: the step may still be running
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Finding f = only(detect(d));
            assertThat(f.problem()).isEqualTo(Problem.DISTRIBUTED_TRANSACTION);
            assertThat(f.subject()).isEqualTo("sagas_a.step in [stock_reserved, charged] older than 300ms [sagas_a.step.updated_at]");
            assertThat(f.evidence()).containsEntry("violations", 1L);
            assertThat((String) f.evidence().get("first")).startsWith("2 stock_reserved since ");
        });
    }

    @Test
    void compensatedSagaIsNotStuck(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect()) {
            sql(c, "create table sagas_b(id bigint primary key, step text not null, updated_at timestamptz not null)");
            checkout(c, "sagas_b", 1, true);
            checkout(c, "sagas_b", 2, true);
            sql(c, "update sagas_b set updated_at = updated_at - interval '1 hour'");
        }
        assertThat(detect(IntegrityChecks.on(app.get()).stuckRows("sagas_b").state("step", "stock_reserved")
                .olderThan(Duration.ofMinutes(1), "updated_at").build()).findings()).isEmpty();
    }

    // ---- a stored checksum no longer matching ------------------------------------------------------------

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rowChangedBehindTheApplicationsBackFailsItsChecksum(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect()) {
            sql(c, "create table accounts_k(id bigint primary key, owner text not null, balance numeric(12,2) not null, checksum text not null)");
            try (PreparedStatement s = c.prepareStatement("insert into accounts_k values (?, ?, ?, ?)")) {
                for (int i = 1; i <= 300; i++) {
                    BigDecimal balance = BigDecimal.valueOf(i * 10L, 2);
                    s.setLong(1, i);
                    s.setString(2, "owner" + i);
                    s.setBigDecimal(3, balance);
                    s.setString(4, md5(i + "|owner" + i + "|" + balance.toPlainString()));
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        Detector d = IntegrityChecks.on(app.get()).rowChecksum("accounts_k", "checksum").columns("id", "owner", "balance")
                .chunkRows(1000).build();
        assertThat(detect(d).findings()).as("every row as the application wrote it").isEmpty();

        try (Connection c = pg.connect()) {
            sql(c, "update accounts_k set balance = 1000000 where id = 137");   // no checksum update
        }
        Finding f = only(detect(d));
        assertThat(f.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("accounts_k.checksum [accounts_k.checksum]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "137");
    }

    // ---- write skew: an invariant no constraint expresses -----------------------------------------------

    private static void goOffCall(TestPostgres pg, String table, String doctor, CyclicBarrier checked, boolean serializable) throws Exception {
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            if (serializable) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            }
            int onCall;
            try (PreparedStatement s = c.prepareStatement("select count(*) from " + table + " where shift = 1 and on_call");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                onCall = rs.getInt(1);
            }
            checked.await(60, TimeUnit.SECONDS);
            try {
                if (onCall >= 2) {
                    try (PreparedStatement s = c.prepareStatement("update " + table + " set on_call = false where shift = 1 and doctor = ?")) {
                        s.setString(1, doctor);
                        s.executeUpdate();
                    }
                }
                c.commit();
            } catch (java.sql.SQLException e) {
                if (!"40001".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback();   // the serializable loser: the application would retry and then see one doctor left
            }
        }
    }

    @Test
    void writeSkewLeavesAShiftWithoutADoctorAndSerializableDoesNot(TestPostgres pg) throws Exception {
        for (String t : List.of("oncall_a", "oncall_b")) {
            pg.execute("create table " + t + "(shift int, doctor text, on_call boolean, primary key (shift, doctor))",
                    "insert into " + t + " values (1, 'alice', true), (1, 'bob', true), (2, 'carol', true)");
            boolean serializable = t.equals("oncall_b");
            CyclicBarrier checked = new CyclicBarrier(2);
            AtomicInteger who = new AtomicInteger();
            concurrently(2, () -> {
                goOffCall(pg, t, who.getAndIncrement() == 0 ? "alice" : "bob", checked, serializable);
                return null;
            });
        }
        String rule = "select shift from %s group by shift having count(*) filter (where on_call) = 0";
        Finding f = only(detect(IntegrityChecks.on(app.get()).invariant("doctor-on-call", rule.formatted("oncall_a"))
                .key("shift").description("every shift has a doctor on call").build()));
        assertThat(f.problem()).isEqualTo(Problem.WRITE_SKEW);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("every shift has a doctor on call [doctor-on-call]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "1");

        assertThat(detect(IntegrityChecks.on(app.get()).invariant("doctor-on-call", rule.formatted("oncall_b")).build())
                .findings()).isEmpty();
    }

    // ---- through the engine: gauges, outcomes ------------------------------------------------------------

    @Test
    void engineRunPublishesViolationsPerCheckAndFailsLoudlyOnABrokenOne(TestPostgres pg) throws Exception {
        pg.execute("create table events_e(id bigserial primary key, event_id text not null)",
                "insert into events_e(event_id) values ('e1'), ('e2'), ('e2'), ('e3'), ('e3'), ('e3')");
        IntegrityChecks checks = IntegrityChecks.on(app.get());
        checks.duplicates("events_e").key("event_id").add();
        checks.duplicates("events_e").name("by-id").key("id").add();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DetectorEngine engine = DetectorEngine.builder().detectors(checks.detectors()).build()) {
            engine.bindTo(registry);
            Report r = engine.runOnce(Duration.ofMillis(10));
            assertThat(r.runsNotOk()).isEmpty();
            assertThat(r.findings()).singleElement().satisfies(f -> {
                assertThat(f.problem()).isEqualTo(Problem.DUPLICATE_EVENT_PROCESSING);
                assertThat(f.target()).isEqualTo("app");
                assertThat(f.evidence()).containsEntry("violations", 2L).containsEntry("first", "e2 x2; e3 x3");
            });
            Gauge g = registry.find("telltale.integrity.violations").tag("kind", "integrity.duplicates")
                    .tag("check", "events_e.event_id").tag("target", "app").gauge();
            assertThat(g).isNotNull();
            assertThat(g.value()).isEqualTo(2.0);
            assertThat(registry.find("telltale.integrity.violations").tag("check", "by-id").gauge().value()).isZero();
        }

        // a check naming a column that is not there: error at validate(), and error on every run
        IntegrityChecks broken = IntegrityChecks.on(app.get());
        broken.duplicates("events_e").key("event_id").add();
        broken.duplicates("events_e").name("typo").key("evnt_id").add();
        assertThatThrownBy(() -> broken.validate(Duration.ofSeconds(10)))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessage("integrity.duplicates[typo].key: column 'evnt_id' does not exist in table 'events_e' (it has id, event_id)");
        try (DetectorEngine engine = DetectorEngine.builder().detectors(broken.detectors()).build()) {
            for (int i = 0; i < 2; i++) {
                Report r = engine.runOnce(Duration.ofMillis(10));
                assertThat(r.runs()).singleElement().satisfies(run -> {
                    assertThat(run.outcome().kind()).isEqualTo("error");
                    assertThat(run.outcome().reason()).contains("integrity.duplicates[typo].key: column 'evnt_id' does not exist");
                });
                // a run that could not look at everything is not reported healthy
                assertThat(r.status()).isNotEqualTo(Report.Status.OK);
            }
        }
    }
}
