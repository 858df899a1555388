package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The configuration entry point and builder validation; no server needed (targets connect lazily). */
class IntegrityConfigTest {
    private static PostgresTarget db;
    private static PostgresTarget replica;

    @BeforeAll
    static void targets() {
        db = PostgresTarget.fromUrl("db", "postgresql://app@127.0.0.1:1/app");
        replica = PostgresTarget.fromUrl("db-replica", "postgresql://app@127.0.0.1:2/app");
    }

    @AfterAll
    static void close() {
        db.close();
        replica.close();
    }

    private static IntegrityChecks load(Map<String, ?> section) {
        return IntegrityConfig.fromMap(db, section, name -> name.equals("db-replica") ? Optional.of(replica) : Optional.empty());
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyKindLoadsIntoOneDetectorPerKind() {
        IntegrityChecks checks = load(map(
                "negative-values", List.of(map("table", "products", "column", "stock")),
                "duplicates", List.of(
                        map("table", "payments", "key", "idempotency_key", "where", "status = 'succeeded'",
                                "problem", "concurrency/double-charge-payment", "severity", "critical", "chunk-rows", 100000),
                        map("name", "double-click", "table", "orders", "key", List.of("user_id", "cart_id"), "window", "2s",
                                "time-column", "created_at", "problem", "concurrency/duplicate-orders")),
                "capacity-overflow", List.of(map("table", "shows", "capacity", "capacity", "child", "bookings",
                        "child-key", "show_id", "where", "status = 'confirmed'")),
                "orphans", List.of(map("table", "order_items", "references", "order_id", "parent", "orders",
                        "critical-above", 1000, "chunk-rows", 50000, "ranges-per-run", 10)),
                "stuck-rows", List.of(map("table", "outbox", "state-column", "status", "states", List.of("pending"),
                        "time-column", "created_at", "older-than", "5m")),
                "reconciliation", List.of(map("name", "likes", "a", map("table", "products", "key", "id", "column", "likes"),
                        "b", map("table", "likes", "key", "product_id"), "tolerance", 0)),
                "row-checksum", List.of(map("table", "accounts", "hash-column", "checksum", "columns", List.of("id", "balance"),
                        "algorithm", "sha256")),
                "invariant", List.of(map("name", "on-call", "sql", "select shift from oncall group by shift having bool_or(on_call) = false",
                        "key", "shift")),
                "replica-drift", List.of(map("table", "accounts", "replica", "db-replica", "settle", "30s", "settle-column", "updated_at")),
                "retention-backlog", List.of(map("table", "sessions", "time-column", "last_seen", "retention", "30d")),
                "key-skew", List.of(map("table", "posts", "key", "author_id", "time-column", "created_at", "window", "1h",
                        "factor", 5, "min-rows", 100)),
                "sequence-gaps", List.of(map("table", "applied_events", "entity", "account_id", "sequence", "seq",
                        "order-column", "id", "chunk-rows", 100000))));
        List<Detector> detectors = checks.detectors();
        assertThat(detectors).extracting(Detector::id).containsExactly("integrity.negative-values", "integrity.duplicates",
                "integrity.capacity-overflow", "integrity.orphans", "integrity.stuck-rows", "integrity.reconciliation",
                "integrity.row-checksum", "integrity.invariant", "integrity.replica-drift", "integrity.retention-backlog",
                "integrity.key-skew", "integrity.sequence-gaps");
        assertThat(detectors).extracting(Detector::target).containsOnly("db");
        assertThat(detectors.get(1).spec().problems()).containsExactlyInAnyOrder(Problem.DOUBLE_CHARGE_PAYMENT, Problem.DUPLICATE_ORDERS);
        assertThat(detectors.get(1).toString()).isEqualTo("integrity.duplicates@db [payments.idempotency_key, double-click]");
        // every kind built here is in the static registry; a kind's checks on their default problem share its spec
        assertThat(detectors).allSatisfy(d -> assertThat(PostgresDetectors.integritySpecs()).extracting(DetectorSpec::id)
                .contains(d.id()));
        assertThat(detectors.get(0).spec()).isSameAs(IntegrityDetector.spec("integrity.negative-values"));
    }

    @Test
    void errorsNameTheKeyPath() {
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "orders", "key", "id", "window", "-1s", "time-column", "t")))))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessage("integrity.duplicates[0].window: '-1s' is negative; a duration must be 0 or more");
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "orders", "key", "id", "window", "0s", "time-column", "t")))))
                .hasMessage("integrity.duplicates[0].window: '0s' must be above 0");
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "orders", "key", "id"), map("table", "orders", "kye", "id")))))
                .hasMessage("integrity.duplicates[1].key: is required");
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "orders", "key", "id", "wndow", "2s")))))
                .hasMessage("integrity.duplicates[0].wndow: unknown setting; known: table, key, window, time-column, "
                        + "name, problem, severity, critical-above, sample, where, chunk-rows, range-column, ranges-per-run");
        assertThatThrownBy(() -> load(map("orphans", List.of(map("table", "order items", "references", "order_id", "parent", "orders")))))
                .hasMessageStartingWith("integrity.orphans[0].table: 'order items' is not a plain SQL identifier");
        assertThatThrownBy(() -> load(map("duplicate", List.of())))
                .hasMessageStartingWith("integrity.duplicate: unknown check kind; known: negative-values, ");
        assertThatThrownBy(() -> load(map("stuck-rows", List.of(map("table", "outbox", "older-than", "soon", "time-column", "t")))))
                .hasMessage("integrity.stuck-rows[0].older-than: 'soon' is not a duration");
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "p", "key", "k", "problem", "concurrency/double-charge")))))
                .hasMessageStartingWith("integrity.duplicates[0].problem: 'concurrency/double-charge' is not a catalogue problem id");
        assertThatThrownBy(() -> load(map("replica-drift", List.of(map("table", "accounts", "replica", "nope")))))
                .hasMessage("integrity.replica-drift[0].replica: no target named 'nope' is configured");
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "p", "key", "k"), map("table", "p", "key", "k")))))
                .hasMessage("integrity.duplicates: two checks named 'p.k' on target 'db'; give one of them another name(..)");
    }

    @Test
    void eachKindTakesOnlyTheSettingsItsTableNames() {
        assertThatThrownBy(() -> load(map("duplicates", List.of(map("table", "orders", "key", "id", "window", "2s")))))
                .hasMessage("integrity.duplicates[0].time-column: is required with window");
        assertThatThrownBy(() -> load(map("stuck-rows", List.of(map("table", "outbox", "states", List.of("pending"),
                "time-column", "t", "older-than", "5m")))))
                .hasMessage("integrity.stuck-rows[0].state-column: is required with states");
        assertThatThrownBy(() -> load(map("reconciliation", List.of(map("name", "likes", "a", map("table", "p", "key", "id"),
                "b", map("table", "l", "key", "product_id", "colum", "n"))))))
                .hasMessage("integrity.reconciliation[0].b.colum: unknown setting; known: table, key, column, where");
        assertThatThrownBy(() -> load(map("reconciliation", List.of(map("name", "likes", "a", map("table", "p", "key", "id"))))))
                .hasMessage("integrity.reconciliation[0].b: is required (a map with table, key, column, where)");
        assertThatThrownBy(() -> load(map("reconciliation", List.of(map("name", "likes", "a", map("table", "p", "key", "id"),
                "b", map("table", "l", "key", "product_id"), "where", "true")))))
                .hasMessage("integrity.reconciliation[0].where: give each side its own where");
        assertThatThrownBy(() -> load(map("key-skew", List.of(map("table", "posts", "key", "a", "time-column", "t",
                "window", "1h", "min-rows", "many")))))
                .hasMessage("integrity.key-skew[0].min-rows: 'many' is not a whole number");
        assertThatThrownBy(() -> load(map("negative-values", List.of(map("table", "products", "column", List.of("a", "b"))))))
                .hasMessage("integrity.negative-values[0].column: '[a, b]' is not a single value; expected a column");
        assertThatThrownBy(() -> load(map("negative-values", List.of(map("table", "products", "column", "stock",
                "severity", "loud")))))
                .hasMessage("integrity.negative-values[0].severity: 'loud' is not info, warning or critical");
        assertThatThrownBy(() -> load(map("negative-values", List.of("products"))))
                .hasMessage("integrity.negative-values[0]: 'products' is not a map of settings");
    }

    /** A fragment that got through the earlier guard, which read E'' strings differently from the server. */
    private static final String BYPASS = "status = E'\\'') group by t.idempotency_key; commit; alter role telltale set work_mem = 77777; "
            + "commit; select 1 from payments t where (E'\\'' = 'x'";

    /** Where fragments that could break out of their condition, and how the refusal ends. */
    static Stream<Arguments> refusedWheres() {
        return Stream.of(
                arguments("1=1; delete from x", "contains ';': one condition, not several statements"),
                arguments("status = 'ok' -- and more", "contains a '--' comment"),
                arguments("status = 'ok' /* x */", "contains a '/*' comment"),
                arguments("(status = 'ok'", "has an unclosed parenthesis"),
                arguments("x = $$a$$", "contains a dollar-quoted string"),
                arguments(BYPASS, "closes a parenthesis it did not open"),
                arguments("status = E'\\'' ; commit; select E'\\''", "contains ';': one condition, not several statements"),
                arguments("true group by 1", "contains 'GROUP' outside parentheses: one condition, not the rest of a query"),
                arguments("x = '\\'", "has a backslash in a '...' string; write it as E'...' with '\\\\'"),
                arguments("x = $1", "contains a positional parameter $1"),
                arguments("exists (select 1 from (delete from x returning 1) d)", "contains 'DELETE': a check only reads (write \"delete\" in double quotes if it is a column)"));
    }

    @ParameterizedTest
    @MethodSource("refusedWheres")
    void aWhereFragmentThatCouldBreakOutIsRefused(String where, String why) {
        IntegrityChecks c = IntegrityChecks.on(db);
        assertThatThrownBy(() -> c.duplicates("payments").where(where)).hasMessageEndingWith(why);
    }

    @Test
    void whereFragmentsThatCouldBreakOutAreRefused() {
        IntegrityChecks c = IntegrityChecks.on(db);
        assertThatThrownBy(() -> c.duplicates("payments").where("1=1) ; delete from x; --"))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessage("integrity.duplicates[payments].where: '1=1) ; delete from x; --' closes a parenthesis it did not open");
        // quotes and semicolons inside string literals are data, not syntax
        c.duplicates("payments").key("k").where("note = 'a; b -- c (' and status = 'it''s'").add();
        assertThatThrownBy(() -> c.invariant("rule", "delete from x returning id"))
                .hasMessage("integrity.invariant[rule].sql: the query must be a SELECT (or WITH ... SELECT)");
    }

    /** The fragments that got through the earlier guard, which read E'' strings differently from the server. */
    @Test
    void fragmentsThatFooledTheOldGuardAreRefused() {
        IntegrityChecks c = IntegrityChecks.on(db);
        assertThatThrownBy(() -> c.invariant("locks", "select id from payments for update"))
                .hasMessageEndingWith("contains 'FOR' outside parentheses: a check takes no row locks");
        // the same characters inside a string the server sees as one are data
        c.duplicates("payments").key("k").where("note = E'\\'; commit; (' and code = U&'\\0041'").add();
        c.invariant("substr", "select id from payments where substring(note from 1 for 2) = 'ab'").add();
    }

    @Test
    void builderValuesAreCheckedAsTheyAreSet() {
        IntegrityChecks c = IntegrityChecks.on(db);
        assertThatThrownBy(() -> c.duplicates("payments").key("idempotency key"))
                .hasMessageStartingWith("integrity.duplicates[payments].key: 'idempotency key' is not a plain SQL identifier");
        assertThatThrownBy(() -> c.duplicates("payments").key("k").within(java.time.Duration.ofSeconds(-1), "created_at"))
                .hasMessage("integrity.duplicates[payments].window: 'PT-1S' must be a positive duration");
        assertThatThrownBy(() -> c.duplicates("a.b.c"))
                .hasMessage("integrity.duplicates[a.b.c].table: 'a.b.c' is not a table name (give table or schema.table)");
        assertThatThrownBy(() -> c.orphans("items").build())
                .hasMessage("integrity.orphans[items].parent: is required (references(parent, columns..))");
        assertThatThrownBy(() -> c.duplicates("p").key("k").chunkRows(5))
                .hasMessage("integrity.duplicates[p].chunk-rows: '5' must be between 100 and 10000000");
    }
}
