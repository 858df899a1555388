package dev.telltale.postgres.integrity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TelltaleAssertions;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.postgres.integrity.Runs.concurrently;
import static dev.telltale.postgres.integrity.Runs.detect;
import static dev.telltale.postgres.integrity.Runs.only;
import static dev.telltale.postgres.integrity.Runs.sql;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The concurrency problems of the catalogue, produced by real concurrent code with the classic bugs
 * (check-then-act, read-modify-write), and their fixes (atomic update, unique constraint, FOR UPDATE).
 * A barrier makes every thread pass the "check" before any "act": the unlucky interleaving, every time.
 */
@ExtendWith(PostgresExtension.class)
class ConcurrencyRacesIT {
    @RegisterExtension
    static final ClassTarget shop = new ClassTarget("shop");

    // ---- inventory: 50 buyers, 10 items ---------------------------------------------------------------

    @Test
    void checkThenActOversellsAndTheStockGoesNegative(TestPostgres pg) throws Exception {
        pg.execute("create table products_a(id int primary key, name text, stock int not null)",
                "insert into products_a values (1, 'last ten', 10), (2, 'plenty', 1000)");
        CyclicBarrier checked = new CyclicBarrier(50);
        List<Boolean> bought = concurrently(50, () -> {
            try (Connection c = pg.connect()) {
                int stock;
                try (PreparedStatement s = c.prepareStatement("select stock from products_a where id = 1");
                     ResultSet rs = s.executeQuery()) {
                    rs.next();
                    stock = rs.getInt(1);
                }
                checked.await(60, TimeUnit.SECONDS);
                if (stock <= 0) {
                    return false;
                }
                try (PreparedStatement s = c.prepareStatement("update products_a set stock = stock - 1 where id = 1")) {
                    s.executeUpdate();
                }
                return true;
            }
        });
        assertThat(bought).filteredOn(b -> b).hasSize(50);

        Detector d = IntegrityChecks.on(shop.get()).negativeValues("products_a", "stock").build();
        Finding f = only(detect(d));
        assertThat(f.detector()).isEqualTo("integrity.negative-values");
        TelltaleAssertions.assertThat(f).hasProblem(Problem.RACE_CONDITION_INVENTORY).hasSeverity(Severity.CRITICAL)
                .hasSubject("products_a.stock [products_a.stock]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "1 stock=-40");
    }

    @Test
    void atomicDecrementSellsExactlyTheStock(TestPostgres pg) throws Exception {
        pg.execute("create table products_b(id int primary key, stock int not null)", "insert into products_b values (1, 10)");
        CyclicBarrier ready = new CyclicBarrier(50);
        List<Boolean> bought = concurrently(50, () -> {
            try (Connection c = pg.connect()) {
                ready.await(60, TimeUnit.SECONDS);
                try (PreparedStatement s = c.prepareStatement("update products_b set stock = stock - 1 where id = 1 and stock > 0")) {
                    return s.executeUpdate() == 1;
                }
            }
        });
        assertThat(bought).filteredOn(b -> b).hasSize(10);
        Detection d = detect(IntegrityChecks.on(shop.get()).negativeValues("products_b", "stock").build());
        assertThat(d.findings()).isEmpty();
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("integrity.violations");
            assertThat(s.value()).isZero();
        });
    }

    // ---- a payment submitted twice --------------------------------------------------------------------

    private static boolean pay(Connection c, String table, String key, CyclicBarrier checked, boolean fixed) throws Exception {
        if (fixed) {
            checked.await(60, TimeUnit.SECONDS);
            try (PreparedStatement s = c.prepareStatement("insert into " + table + "(idempotency_key, status, amount) "
                    + "values (?, 'succeeded', 42) on conflict (idempotency_key) where status = 'succeeded' do nothing")) {
                s.setString(1, key);
                return s.executeUpdate() == 1;
            }
        }
        boolean already;
        try (PreparedStatement s = c.prepareStatement("select exists (select 1 from " + table
                + " where idempotency_key = ? and status = 'succeeded')")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                already = rs.getBoolean(1);
            }
        }
        checked.await(60, TimeUnit.SECONDS);
        if (already) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement("insert into " + table + "(idempotency_key, status, amount) values (?, 'succeeded', 42)")) {
            s.setString(1, key);
            return s.executeUpdate() == 1;
        }
    }

    @Test
    void doubleSubmittedPaymentIsChargedTwiceAndFound(TestPostgres pg) throws Exception {
        pg.execute("create table payments_a(id bigserial primary key, idempotency_key text not null, status text not null, "
                        + "amount numeric not null, created_at timestamptz not null default clock_timestamp())",
                // an earlier failed attempt and a healthy payment: not duplicates of succeeded charges
                "insert into payments_a(idempotency_key, status, amount) values ('pi_7', 'failed', 42), ('pi_8', 'succeeded', 10)");
        CyclicBarrier checked = new CyclicBarrier(2);
        List<Boolean> charged = concurrently(2, () -> {
            try (Connection c = pg.connect()) {
                return pay(c, "payments_a", "pi_7", checked, false);
            }
        });
        assertThat(charged).containsExactly(true, true);

        Detector d = IntegrityChecks.on(shop.get()).duplicates("payments_a").key("idempotency_key")
                .where("status = 'succeeded'").problem(Problem.DOUBLE_CHARGE_PAYMENT).severity(Severity.CRITICAL).build();
        Finding f = only(detect(d));
        TelltaleAssertions.assertThat(f).hasProblem(Problem.DOUBLE_CHARGE_PAYMENT).hasSeverity(Severity.CRITICAL)
                .hasSubject("payments_a(idempotency_key) [payments_a.idempotency_key]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "pi_7 x2");
        assertThat(f.summary()).contains("1 duplicate in payments_a(idempotency_key)");
    }

    @Test
    void uniqueConstraintKeepsOneChargePerKey(TestPostgres pg) throws Exception {
        pg.execute("create table payments_b(id bigserial primary key, idempotency_key text not null, status text not null, amount numeric not null)",
                "create unique index on payments_b(idempotency_key) where status = 'succeeded'");
        CyclicBarrier checked = new CyclicBarrier(2);
        List<Boolean> charged = concurrently(2, () -> {
            try (Connection c = pg.connect()) {
                return pay(c, "payments_b", "pi_9", checked, true);
            }
        });
        assertThat(charged).containsExactlyInAnyOrder(true, false);
        Detection d = detect(IntegrityChecks.on(shop.get()).duplicates("payments_b").key("idempotency_key")
                .where("status = 'succeeded'").problem(Problem.DOUBLE_CHARGE_PAYMENT).build());
        assertThat(d.findings()).isEmpty();
    }

    @Test
    void doubleClickTwoOrdersWithinTheWindow(TestPostgres pg) throws Exception {
        pg.execute("create table orders_w(id bigserial primary key, user_id int not null, cart_id int not null, "
                        + "created_at timestamptz not null default clock_timestamp())",
                // the same cart ordered again a day later is a new order, not a double click
                "insert into orders_w(user_id, cart_id, created_at) values (5, 50, now() - interval '1 day'), (5, 50, now())");
        // the double click: two requests for user 1's cart, in flight at once
        CyclicBarrier click = new CyclicBarrier(2);
        concurrently(2, () -> {
            try (Connection c = pg.connect()) {
                click.await(60, TimeUnit.SECONDS);
                sql(c, "insert into orders_w(user_id, cart_id) values (1, 10)");
                return null;
            }
        });
        Detector d = IntegrityChecks.on(shop.get()).duplicates("orders_w").key("user_id", "cart_id")
                .within(Duration.ofSeconds(2), "created_at").problem(Problem.DUPLICATE_ORDERS).build();
        Finding f = only(detect(d));
        TelltaleAssertions.assertThat(f).hasProblem(Problem.DUPLICATE_ORDERS).hasSeverity(Severity.WARNING)
                .hasSubject("orders_w(user_id, cart_id) within 2s [orders_w.user_id.cart_id]");
        assertThat(f.evidence()).containsEntry("violations", 1L);
        assertThat((String) f.evidence().get("first")).startsWith("1,10 at ");
    }

    // ---- seats: double booking and over-capacity --------------------------------------------------------

    @Test
    void concurrentBookingsDoubleBookASeatAndOverfillTheShow(TestPostgres pg) throws Exception {
        pg.execute("create table shows_a(id int primary key, capacity int not null)",
                "create table bookings_a(id bigserial primary key, show_id int not null, seat text not null, status text not null)",
                "insert into shows_a values (1, 5), (2, 100)",
                "insert into bookings_a(show_id, seat, status) values (2, 'A1', 'confirmed'), (2, 'A2', 'cancelled'), (2, 'A2', 'confirmed')");
        // 12 customers at once: the first two want seat 1; each checks "seat free and show not full", then books
        CyclicBarrier checked = new CyclicBarrier(12);
        AtomicInteger next = new AtomicInteger();
        concurrently(12, () -> {
            int me = next.getAndIncrement();
            String seat = "S" + Math.max(1, me);
            try (Connection c = pg.connect()) {
                boolean free;
                int taken;
                try (PreparedStatement s = c.prepareStatement("select (select count(*) from bookings_a where show_id = 1 and seat = ? "
                        + "and status = 'confirmed'), (select count(*) from bookings_a where show_id = 1 and status = 'confirmed')")) {
                    s.setString(1, seat);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        free = rs.getLong(1) == 0;
                        taken = rs.getInt(2);
                    }
                }
                checked.await(60, TimeUnit.SECONDS);
                if (free && taken < 5) {
                    sql(c, "insert into bookings_a(show_id, seat, status) values (1, '" + seat + "', 'confirmed')");
                }
                return null;
            }
        });
        IntegrityChecks checks = IntegrityChecks.on(shop.get());
        checks.duplicates("bookings_a").key("show_id", "seat").where("status = 'confirmed'")
                .problem(Problem.DOUBLE_BOOKING).severity(Severity.CRITICAL).add();
        checks.capacityOverflow("shows_a", "capacity").children("bookings_a", "show_id").where("status = 'confirmed'").add();
        List<Detector> detectors = checks.detectors();
        assertThat(detectors).extracting(Detector::id).containsExactly("integrity.duplicates", "integrity.capacity-overflow");

        Finding dup = only(detect(detectors.get(0)));
        assertThat(dup.problem()).isEqualTo(Problem.DOUBLE_BOOKING);
        assertThat(dup.evidence()).containsEntry("violations", 1L).containsEntry("first", "1,S1 x2");
        Finding over = only(detect(detectors.get(1)));
        TelltaleAssertions.assertThat(over).hasProblem(Problem.DOUBLE_BOOKING).hasSeverity(Severity.CRITICAL)
                .hasSubject("bookings_a.count(*) vs shows_a.capacity [shows_a.capacity]");
        assertThat(over.evidence()).containsEntry("violations", 1L).containsEntry("first", "1: 12 > capacity 5");
    }

    @Test
    void lockingTheShowRowBooksWithinCapacity(TestPostgres pg) throws Exception {
        pg.execute("create table shows_b(id int primary key, capacity int not null)",
                "create table bookings_b(id bigserial primary key, show_id int not null, seat text not null, status text not null)",
                "create unique index on bookings_b(show_id, seat) where status = 'confirmed'",
                "insert into shows_b values (1, 5)");
        CyclicBarrier ready = new CyclicBarrier(12);
        AtomicInteger next = new AtomicInteger();
        concurrently(12, () -> {
            String seat = "S" + Math.max(1, next.getAndIncrement());
            try (Connection c = pg.connect()) {
                ready.await(60, TimeUnit.SECONDS);
                c.setAutoCommit(false);
                sql(c, "select 1 from shows_b where id = 1 for update");
                int taken;
                try (PreparedStatement s = c.prepareStatement("select count(*) from bookings_b where show_id = 1 and status = 'confirmed'");
                     ResultSet rs = s.executeQuery()) {
                    rs.next();
                    taken = rs.getInt(1);
                }
                if (taken < 5) {
                    try (PreparedStatement s = c.prepareStatement("insert into bookings_b(show_id, seat, status) values (1, ?, 'confirmed') "
                            + "on conflict do nothing")) {
                        s.setString(1, seat);
                        s.executeUpdate();
                    }
                }
                c.commit();
                return null;
            }
        });
        IntegrityChecks checks = IntegrityChecks.on(shop.get());
        checks.duplicates("bookings_b").key("show_id", "seat").where("status = 'confirmed'").problem(Problem.DOUBLE_BOOKING).add();
        checks.capacityOverflow("shows_b", "capacity").children("bookings_b", "show_id").where("status = 'confirmed'").add();
        for (Detector d : checks.detectors()) {
            assertThat(detect(d).findings()).as(d.id()).isEmpty();
        }
    }

    // ---- order matching: fills above the order's quantity -----------------------------------------------

    @Test
    void concurrentMatchersOverFillAnOrderAndLockingDoesNot(TestPostgres pg) throws Exception {
        pg.execute("create table orders_m(id int primary key, quantity int not null)",
                "create table fills_m(id bigserial primary key, order_id int not null, qty int not null)",
                "insert into orders_m values (1, 20), (2, 20)");
        // 8 matchers fill 5 each: order 1 checks the remaining quantity without a lock, order 2 locks the order row
        for (int order : new int[]{1, 2}) {
            CyclicBarrier checked = new CyclicBarrier(8);
            concurrently(8, () -> {
                try (Connection c = pg.connect()) {
                    c.setAutoCommit(false);
                    if (order == 2) {
                        checked.await(60, TimeUnit.SECONDS);
                        sql(c, "select 1 from orders_m where id = 2 for update");
                    }
                    int remaining;
                    try (PreparedStatement s = c.prepareStatement("select o.quantity - coalesce((select sum(qty) from fills_m f "
                            + "where f.order_id = o.id), 0) from orders_m o where o.id = ?")) {
                        s.setInt(1, order);
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            remaining = rs.getInt(1);
                        }
                    }
                    if (order == 1) {
                        checked.await(60, TimeUnit.SECONDS);
                    }
                    if (remaining >= 5) {
                        sql(c, "insert into fills_m(order_id, qty) values (" + order + ", 5)");
                    }
                    c.commit();
                    return null;
                }
            });
        }
        Detector d = IntegrityChecks.on(shop.get()).capacityOverflow("orders_m", "quantity").children("fills_m", "order_id")
                .quantity("qty").problem(Problem.STOCK_ORDER_MATCHING_RACE).build();
        Finding f = only(detect(d));
        assertThat(f.problem()).isEqualTo(Problem.STOCK_ORDER_MATCHING_RACE);
        assertThat(f.subject()).isEqualTo("fills_m.qty vs orders_m.quantity [orders_m.quantity]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "1: 40 > quantity 20");
    }

    // ---- a counter updated read-modify-write ------------------------------------------------------------

    private static void like(TestPostgres pg, String products, String likes, CyclicBarrier read, boolean atomic) throws Exception {
        try (Connection c = pg.connect()) {
            sql(c, "insert into " + likes + "(product_id) values (1)");
            if (atomic) {
                read.await(60, TimeUnit.SECONDS);
                sql(c, "update " + products + " set likes = likes + 1 where id = 1");
                return;
            }
            int n;
            try (PreparedStatement s = c.prepareStatement("select likes from " + products + " where id = 1"); ResultSet rs = s.executeQuery()) {
                rs.next();
                n = rs.getInt(1);
            }
            read.await(60, TimeUnit.SECONDS);
            sql(c, "update " + products + " set likes = " + (n + 1) + " where id = 1");
        }
    }

    @Test
    void readModifyWriteCounterDriftsFromItsRecount(TestPostgres pg) throws Exception {
        pg.execute("create table products_c(id int primary key, likes int not null default 0)",
                "create table likes_c(id bigserial primary key, product_id int not null)",
                "insert into products_c(id) values (1), (2)");
        CyclicBarrier read = new CyclicBarrier(20);
        concurrently(20, () -> {
            like(pg, "products_c", "likes_c", read, false);
            return null;
        });
        Detector d = IntegrityChecks.on(shop.get()).reconciliation("product-likes")
                .sum("products_c", "id", "likes").count("likes_c", "product_id").build();
        Finding f = only(detect(d));
        TelltaleAssertions.assertThat(f).hasProblem(Problem.COUNTER_RACE).hasSeverity(Severity.WARNING)
                .hasSubject("products_c.sum(likes) by id vs likes_c.count(*) by product_id [product-likes]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "1: 1 vs 20");
    }

    @Test
    void atomicIncrementKeepsTheCounterRight(TestPostgres pg) throws Exception {
        pg.execute("create table products_d(id int primary key, likes int not null default 0)",
                "create table likes_d(id bigserial primary key, product_id int not null)",
                "insert into products_d(id) values (1), (2)");
        CyclicBarrier read = new CyclicBarrier(20);
        concurrently(20, () -> {
            like(pg, "products_d", "likes_d", read, true);
            return null;
        });
        Detection d = detect(IntegrityChecks.on(shop.get()).reconciliation("product-likes")
                .sum("products_d", "id", "likes").count("likes_d", "product_id").build());
        assertThat(d.findings()).isEmpty();
    }
}
