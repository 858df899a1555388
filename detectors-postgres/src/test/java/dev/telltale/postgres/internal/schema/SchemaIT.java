package dev.telltale.postgres.internal.schema;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * postgres.foreign-keys and postgres.schema against defects made for real, each in a database of its own:
 * foreign keys without an index (single and multi-column, on a partitioned child, and ones covered only by an
 * index that does not count: columns not leading, partial, expression), a duplicated foreign key, tables
 * without a primary key or usable replica identity (one published), NOT VALID foreign keys and checks, and
 * disabled user triggers; then a schema with all of these done right, which raises nothing.
 */
@ExtendWith(PostgresExtension.class)
class SchemaIT {
    /** The parent table of the foreign-key tests. */
    private static final String CUSTOMERS = """
            create table customers (id int primary key, name text);
            insert into customers select g, 'c' || g from generate_series(1, 20) g;
            """;

    @Test
    void foreignKeysWithoutAnIndexAndDuplicatedOnes(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute(CUSTOMERS, """
                create table orders (id int primary key, customer_id int not null references customers, note text);
                insert into orders select g, 1 + g % 5, 'n' from generate_series(1, 200) g;
                -- a relation already holds the name the hint would pick
                create table orders_customer_id_idx (x int primary key);
                create table regions (a int, b int, primary key (a, b));
                create table shops (id int primary key, ra int, rb int, foreign key (ra, rb) references regions (a, b));
                -- the lookup is an equality on both columns: the FK's columns in another order still lead the index
                create table shops_reordered (id int primary key, ra int, rb int,
                                              foreign key (ra, rb) references regions (a, b));
                create index on shops_reordered (rb, ra, id);
                -- none of these serve the lookup: columns not leading, partial, an expression, INCLUDE columns
                create table shops_covered_badly (id int primary key, ra int, rb int,
                                                  foreign key (ra, rb) references regions (a, b));
                create index on shops_covered_badly (id, ra, rb);
                create index on shops_covered_badly (ra, rb) where ra > 0;
                create index on shops_covered_badly ((ra + 0), rb);
                create index on shops_covered_badly (ra) include (rb);
                -- indexed, but its foreign key is there twice
                create table payments (id int primary key, customer_id int references customers);
                alter table payments add constraint payments_customer_again foreign key (customer_id) references customers (id);
                create index on payments (customer_id);
                -- a partitioned child: one finding on the parent, none per partition
                create table visits (id int, customer_id int references customers) partition by range (id);
                create table visits_1 partition of visits for values from (0) to (100);
                create table visits_2 partition of visits for values from (100) to (200);
                -- the parent sees deletes: the foreign keys to customers become warnings
                delete from customers where id > 15;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("fks", db.jdbcUrl())) {
            // the deletes reach the statistics within a second or so of the commit
            await().atMost(Duration.ofSeconds(30)).until(() -> deletes(db, "customers") >= 5);
            ForeignKeysDetector d = new ForeignKeysDetector(target);
            {
                Detection r = Runs.detect(d, Map.of());
                Finding orders = find(r, "public.orders (orders_customer_id_fkey)").orElseThrow();
                assertThat(orders.problem()).isEqualTo(Problem.DATABASE_DEADLOCKS);
                assertThat(orders.severity()).isEqualTo(Severity.WARNING);
                assertThat(orders.evidence())
                        .containsEntry("child", "public.orders").containsEntry("parent", "public.customers")
                        .containsEntry("constraint", "orders_customer_id_fkey").containsEntry("columns", "customer_id")
                        .containsEntry("parent_deletes_and_updates", 5L)
                        .containsEntry("parent_writes_measured", "since the statistics were reset (no earlier sample)")
                        .containsEntry("ddl", "create index concurrently orders_customer_id_1_idx on public.orders (customer_id);");
                assertThat(orders.summary()).startsWith("public.orders.customer_id references public.customers without an index");
                assertThat(orders.hint()).startsWith("create index concurrently orders_customer_id_1_idx on public.orders (customer_id);");

                Finding shops = find(r, "public.shops (shops_ra_rb_fkey)").orElseThrow();
                assertThat(shops.severity()).isEqualTo(Severity.INFO);
                assertThat(shops.evidence()).containsEntry("columns", "ra, rb").containsEntry("parent_columns", "a, b")
                        .containsEntry("ddl", "create index concurrently shops_ra_rb_idx on public.shops (ra, rb);");
                assertThat(find(r, "public.shops_covered_badly (shops_covered_badly_ra_rb_fkey)")).isPresent();
                assertThat(find(r, "public.shops_reordered (shops_reordered_ra_rb_fkey)")).isEmpty();

                Finding visits = find(r, "public.visits (visits_customer_id_fkey)").orElseThrow();
                assertThat(visits.evidence()).containsEntry("child_partitioned", true);
                assertThat((String) visits.evidence().get("ddl")).startsWith(
                        "create index visits_customer_id_idx on only public.visits (customer_id);");
                assertThat(r.findings()).noneMatch(f -> f.subject().startsWith("public.visits_"));

                Finding dup = find(r, "public.payments (payments_customer_again)").orElseThrow();
                assertThat(dup.problem()).isEqualTo(Problem.WRITE_AMPLIFICATION);
                assertThat(dup.severity()).isEqualTo(Severity.INFO);
                assertThat(dup.evidence()).containsEntry("duplicate_of", "payments_customer_id_fkey");
                assertThat(dup.hint()).contains("alter table public.payments drop constraint payments_customer_again;");
                // indexed: neither copy is unindexed
                assertThat(r.findings()).filteredOn(f -> f.subject().startsWith("public.payments")).hasSize(1);

                assertThat(r.findings()).hasSize(5);
                assertThat(Runs.signal(r, "postgres.foreign_keys.found", "unindexed")).contains(4.0);
                assertThat(Runs.signal(r, "postgres.foreign_keys.found", "duplicate")).contains(1.0);
                assertThat(r.truncated()).isZero();
            }
            // a cut list says so, and the gauges still count everything
            Detection cut = Runs.detect(d, Map.of("limit", "1"));
            assertThat(cut.findings()).hasSize(2);
            assertThat(cut.truncated()).isEqualTo(3);
            assertThat(cut.notes()).anyMatch(n -> n.contains("postgres.foreign-keys.limit = 1"));
            assertThat(Runs.signal(cut, "postgres.foreign_keys.found", "unindexed")).contains(4.0);
            // on a later run the parent's writes are a delta: none since, so only information
            Finding again = find(Runs.detect(d, Map.of()), "public.orders (orders_customer_id_fkey)").orElseThrow();
            assertThat(again.severity()).isEqualTo(Severity.INFO);
            assertThat((String) again.evidence().get("parent_writes_measured")).startsWith("in the last ");
        }
    }

    @Test
    void tablesWithoutKeysUnvalidatedConstraintsAndDisabledTriggers(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create table audit_log (at timestamptz, msg text);
                create publication shop_pub for table audit_log;
                create table staging (a int, b int);
                -- usable replica identities: a unique index chosen as identity, or the whole row
                create table keyed_by_unique (a int not null, b int);
                create unique index keyed_by_unique_a on keyed_by_unique (a);
                alter table keyed_by_unique replica identity using index keyed_by_unique_a;
                create table whole_rows (a int);
                alter table whole_rows replica identity full;
                -- one finding for the partitioned table, none for its partitions
                create table measurements (id int, at date) partition by range (at);
                create table measurements_2026 partition of measurements for values from ('2026-01-01') to ('2027-01-01');
                create table customers (id int primary key);
                insert into customers select generate_series(1, 10);
                create table orders (id int primary key, customer_id int, qty int);
                insert into orders select g, g, 1 from generate_series(1, 10) g;
                alter table orders add constraint orders_customer_fk foreign key (customer_id) references customers not valid;
                alter table orders add constraint orders_qty_positive check (qty > 0) not valid;
                create index on orders (customer_id);
                create table validated (id int primary key, qty int);
                alter table validated add constraint validated_qty check (qty > 0) not valid;
                alter table validated validate constraint validated_qty;
                create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
                create trigger orders_touch before update on orders for each row execute function touch();
                alter table orders disable trigger orders_touch;
                create trigger measurements_touch before update on measurements for each row execute function touch();
                alter table measurements disable trigger measurements_touch;
                -- internal (foreign key) triggers disabled are not user triggers
                alter table customers disable trigger all;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("schema", db.jdbcUrl())) {
            Detection r = Runs.detect(new SchemaDetector(target), Map.of());

            Finding published = find(r, "public.audit_log (no primary key)").orElseThrow();
            assertThat(published.problem()).isEqualTo(Problem.DATA_DRIFT);
            assertThat(published.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(published.evidence()).containsEntry("published", true).containsEntry("publications", 1L)
                    .containsEntry("replica_identity", "default (the primary key, which it lacks)");
            assertThat(published.hint()).contains("alter table public.audit_log add primary key using index");
            assertThat(find(r, "public.staging (no primary key)").orElseThrow().severity()).isEqualTo(Severity.WARNING);
            Finding partitioned = find(r, "public.measurements (no primary key)").orElseThrow();
            assertThat(partitioned.evidence()).containsEntry("partitioned", true);
            assertThat(r.findings()).noneMatch(f -> f.subject().startsWith("public.measurements_2026"));
            assertThat(find(r, "public.keyed_by_unique (no primary key)")).isEmpty();
            assertThat(find(r, "public.whole_rows (no primary key)")).isEmpty();

            Finding fk = find(r, "public.orders (orders_customer_fk)").orElseThrow();
            assertThat(fk.problem()).isEqualTo(Problem.ORPHANED_RECORDS);
            assertThat(fk.severity()).isEqualTo(Severity.WARNING);
            assertThat(fk.evidence()).containsEntry("type", "foreign key").containsEntry("references", "customers");
            assertThat(fk.hint()).startsWith("alter table public.orders validate constraint orders_customer_fk;")
                    .contains("SHARE UPDATE EXCLUSIVE");
            Finding check = find(r, "public.orders (orders_qty_positive)").orElseThrow();
            assertThat(check.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
            assertThat(check.evidence()).containsEntry("type", "check");
            assertThat(find(r, "public.validated (validated_qty)")).isEmpty();

            Finding trigger = find(r, "public.orders (trigger orders_touch)").orElseThrow();
            assertThat(trigger.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
            assertThat(trigger.severity()).isEqualTo(Severity.WARNING);
            assertThat(trigger.hint()).contains("alter table public.orders enable trigger orders_touch;");
            assertThat(find(r, "public.measurements (trigger measurements_touch)")).isPresent();
            assertThat(r.findings()).noneMatch(f -> f.subject().startsWith("public.customers"));

            assertThat(r.findings()).hasSize(7);
            assertThat(Runs.signal(r, "postgres.schema.found", "no-primary-key")).contains(3.0);
            assertThat(Runs.signal(r, "postgres.schema.found", "not-valid-foreign-key")).contains(1.0);
            assertThat(Runs.signal(r, "postgres.schema.found", "not-valid-check")).contains(1.0);
            assertThat(Runs.signal(r, "postgres.schema.found", "disabled-trigger")).contains(2.0);

            Detection cut = Runs.detect(new SchemaDetector(target), Map.of("limit", "1"));
            assertThat(cut.findings()).hasSize(4);
            assertThat(cut.truncated()).isEqualTo(3);
            assertThat(find(cut, "public.audit_log (no primary key)")).isPresent(); // the published one first
        }
    }

    @Test
    void aHealthySchemaRaisesNothing(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute(CUSTOMERS, """
                create table orders (id int primary key, customer_id int not null references customers);
                create index on orders (customer_id);
                create table regions (a int, b int, primary key (a, b));
                create table shops (id int primary key, ra int, rb int, foreign key (ra, rb) references regions (a, b));
                create index on shops (rb, ra);
                create table visits (id int, customer_id int references customers, primary key (id))
                  partition by range (id);
                create table visits_1 partition of visits for values from (0) to (100);
                create index on visits (customer_id);
                create publication shop_pub for table customers, orders;
                create table events (id int primary key, qty int);
                alter table events add constraint events_qty check (qty > 0) not valid;
                alter table events validate constraint events_qty;
                create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
                create trigger events_touch before update on events for each row execute function touch();
                delete from customers where id > 15;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("healthy", db.jdbcUrl())) {
            Detection fks = Runs.detect(new ForeignKeysDetector(target), Map.of());
            assertThat(fks.findings()).isEmpty();
            assertThat(Runs.signal(fks, "postgres.foreign_keys.found", "unindexed")).contains(0.0);
            assertThat(Runs.signal(fks, "postgres.foreign_keys.found", "duplicate")).contains(0.0);
            Detection schema = Runs.detect(new SchemaDetector(target), Map.of());
            assertThat(schema.findings()).isEmpty();
            for (String kind : SchemaDetector.KINDS) {
                assertThat(Runs.signal(schema, "postgres.schema.found", kind)).as(kind).contains(0.0);
            }
        }
    }

    private static long deletes(TestPostgres db, String table) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select n_tup_del from pg_stat_user_tables where relname = '" + table + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static Optional<Finding> find(Detection r, String subject) {
        List<Finding> found = r.findings().stream().filter(f -> f.subject().equals(subject)).toList();
        assertThat(found).as(subject).hasSizeLessThanOrEqualTo(1);
        return found.stream().findFirst();
    }
}
