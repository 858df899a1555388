package dev.telltale.core;

import java.util.Arrays;
import java.util.Optional;

import static dev.telltale.core.Category.AVAILABILITY;
import static dev.telltale.core.Category.CONCURRENCY;
import static dev.telltale.core.Category.CONSISTENCY;
import static dev.telltale.core.Category.COST_OPTIMIZATION;
import static dev.telltale.core.Category.DATA_INTEGRITY;
import static dev.telltale.core.Category.PERFORMANCE;
import static dev.telltale.core.Category.SCALABILITY;

/**
 * The problem catalogue: the 35 production problems Telltale detects the symptoms of.
 * Ids are stable API: they appear in metrics, alert rules and JSON reports.
 */
public enum Problem {
    CASCADING_FAILURES(AVAILABILITY, "cascading-failures", "Cascading failures",
            "One slow dependency fills pools and threads upstream until everything times out."),
    CIRCUIT_BREAKER_FAILURE(AVAILABILITY, "circuit-breaker-failure", "Circuit breaker failure",
            "A circuit breaker is stuck open, stuck closed, or flapping."),
    RETRY_STORM(AVAILABILITY, "retry-storm", "Retry storm",
            "Retries multiply the load on a dependency that is already struggling."),
    SPLIT_BRAIN(AVAILABILITY, "split-brain", "Split brain",
            "Two nodes of one cluster both act as primary."),
    THUNDERING_HERD(AVAILABILITY, "thundering-herd", "Thundering herd",
            "A hot cache entry expires and many requests hit the database at once."),
    TIMEOUT_DOMINO_EFFECT(AVAILABILITY, "timeout-domino-effect", "Timeout domino effect",
            "Callers give up while the work they asked for keeps running below them."),

    RACE_CONDITION_INVENTORY(CONCURRENCY, "race-condition-inventory", "Inventory race condition",
            "Two buyers get the last item: stock goes below zero or reservations exceed capacity."),
    DOUBLE_BOOKING(CONCURRENCY, "double-booking", "Double booking",
            "One seat or slot is sold twice."),
    DOUBLE_CHARGE_PAYMENT(CONCURRENCY, "double-charge-payment", "Double charge",
            "One payment intent is charged more than once."),
    DUPLICATE_ORDERS(CONCURRENCY, "duplicate-orders", "Duplicate orders",
            "A double click or a replayed request creates two orders."),
    COUNTER_RACE(CONCURRENCY, "counter-race", "Counter race",
            "Concurrent read-modify-write loses updates to a counter."),
    STOCK_ORDER_MATCHING_RACE(CONCURRENCY, "stock-order-matching-race", "Order matching race",
            "Fills add up to more than the order's quantity."),

    STALE_READ_AFTER_WRITE(CONSISTENCY, "stale-read-after-write", "Stale read after write",
            "A read from a lagging replica misses the user's own write."),
    CACHE_INVALIDATION_RACE(CONSISTENCY, "cache-invalidation-race", "Cache invalidation race",
            "The cache keeps a stale value after the row changed."),
    MESSAGE_OUT_OF_ORDER(CONSISTENCY, "message-out-of-order", "Messages out of order",
            "Events are applied in the wrong order."),
    DISTRIBUTED_TRANSACTION(CONSISTENCY, "distributed-transaction", "Stuck distributed transaction",
            "A saga or two-phase commit stopped half way."),
    WRITE_SKEW(CONSISTENCY, "write-skew", "Write skew",
            "Two transactions each keep an invariant alone and break it together."),

    CONNECTION_POOL_STARVATION(PERFORMANCE, "connection-pool-starvation", "Connection pool starvation",
            "Requests wait for a database connection that never comes."),
    N_PLUS_ONE_QUERY(PERFORMANCE, "n-plus-one-query", "N+1 queries",
            "One request runs the same query once per row."),
    THREAD_POOL_EXHAUSTION(PERFORMANCE, "thread-pool-exhaustion", "Thread pool exhaustion",
            "Every worker is busy, the queue grows and tasks are rejected."),
    PERFORMANCE_HOTSPOTS(PERFORMANCE, "database-hotspots", "Hot rows and keys",
            "One row or key takes most of the traffic."),
    SLOW_QUERIES(PERFORMANCE, "slow-queries", "Slow queries",
            "Queries got slow and requests time out."),
    DATABASE_DEADLOCKS(PERFORMANCE, "database-deadlocks", "Deadlocks and lock waits",
            "Transactions wait on each other's locks or kill each other."),

    HOT_PARTITION(SCALABILITY, "hot-partition", "Hot partition",
            "One partition key gets most of the traffic."),
    SCALABILITY_HOTSPOTS(SCALABILITY, "database-hotspots", "Hot shard or node",
            "One shard, node or celebrity entity overloads its host."),
    WRITE_AMPLIFICATION(SCALABILITY, "write-amplification", "Write amplification",
            "Every write touches too many indexes and too much WAL."),
    MEMORY_LEAK_LONG_RUNNING(SCALABILITY, "memory-leak-long-running", "Memory leak",
            "Memory after garbage collection grows until the process dies."),
    CDN_LIMITS(SCALABILITY, "cdn-limits", "Upstream throttling",
            "An external edge (CDN, API gateway) throttles the service."),

    ORPHANED_RECORDS(DATA_INTEGRITY, "orphaned-records", "Orphaned records",
            "Child rows remain whose parent is gone."),
    DUPLICATE_EVENT_PROCESSING(DATA_INTEGRITY, "duplicate-event-processing", "Duplicate event processing",
            "One event is applied twice."),
    SILENT_DATA_CORRUPTION(DATA_INTEGRITY, "silent-data-corruption", "Silent data corruption",
            "Stored bytes change and nobody notices."),
    DATA_DRIFT(DATA_INTEGRITY, "data-drift", "Data drift",
            "A replica silently differs from its primary."),

    STORAGE_BLOAT(COST_OPTIMIZATION, "storage-bloat", "Storage bloat",
            "Dead tuples and retired rows eat disk."),
    UNUSED_INDEXES(COST_OPTIMIZATION, "unused-indexes", "Unused indexes",
            "Indexes cost writes and disk and serve no read."),
    OVER_PROVISIONING(COST_OPTIMIZATION, "over-provisioning", "Over-provisioning",
            "Capacity is paid for and never used.");

    private final Category category;
    private final String id;
    private final String title;
    private final String summary;

    Problem(Category category, String slug, String title, String summary) {
        this.category = category;
        this.id = category.id() + "/" + slug;
        this.title = title;
        this.summary = summary;
    }

    /** The stable id, {@code category/slug}, for example {@code performance/slow-queries}. */
    public String id() {
        return id;
    }

    public String runbookPath() {
        return "docs/runbooks/" + id + ".md";
    }

    public Category category() {
        return category;
    }

    public String title() {
        return title;
    }

    public String summary() {
        return summary;
    }

    public static Optional<Problem> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
