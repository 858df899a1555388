package dev.telltale.jvm;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.jvm.internal.CallSites;
import dev.telltale.jvm.internal.ExecutorSaturationDetector;
import dev.telltale.jvm.internal.HikariSupport;
import dev.telltale.jvm.internal.JdbcMonitor;
import dev.telltale.jvm.internal.JdbcStatementsDetector;
import dev.telltale.jvm.internal.JvmThreadsDetector;
import dev.telltale.jvm.internal.MemoryLeakDetector;
import dev.telltale.jvm.internal.NPlusOneDetector;
import dev.telltale.jvm.internal.NPlusOneRegistry;
import dev.telltale.jvm.internal.PoolLeaksDetector;
import dev.telltale.jvm.internal.PoolSaturationDetector;
import dev.telltale.jvm.internal.RegisteredExecutor;
import dev.telltale.jvm.internal.Scopes;
import dev.telltale.jvm.internal.SqlFingerprints;
import dev.telltale.jvm.internal.StatementStats;
import dev.telltale.jvm.internal.WorkState;
import dev.telltale.jvm.internal.cache.StampedeDetector;
import dev.telltale.jvm.internal.jdbc.WatchedDataSource;
import dev.telltale.jvm.internal.events.EventOrderingDetector;
import dev.telltale.jvm.internal.http.ThrottlingDetector;
import dev.telltale.jvm.internal.keys.ClientHotKeysDetector;
import dev.telltale.jvm.internal.requests.DuplicateRequestsDetector;
import dev.telltale.jvm.internal.resilience.CircuitBreakerDetector;
import dev.telltale.jvm.internal.resilience.RetryStormDetector;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Telltale inside a service: units of work, wrapped data sources, registered pools and executors, and
 * the in-process detectors that watch them. One per application.
 *
 * <pre>{@code
 * TelltaleJvm telltale = TelltaleJvm.builder().target("orders-service").build();
 * DataSource ds = telltale.wrap(hikariDataSource);          // N+1, statements, pool saturation and leaks
 * telltale.registerExecutor("workers", workerPool);          // executor saturation and rejections
 * DetectorEngine engine = DetectorEngine.builder().detectors(telltale.detectors()).build();
 * engine.bindTo(meterRegistry);
 * engine.start();
 *
 * try (var work = telltale.unitOfWork("GET /orders")) {
 *     ... // statements run here count towards "GET /orders"
 * }
 * }</pre>
 */
public final class TelltaleJvm {
    private final String target;
    private final Clock clock;
    private final Scopes scopes = new Scopes();
    private final SqlFingerprints fingerprints;
    private final NPlusOneRegistry nPlusOne;
    private final StatementStats statements;
    private final Map<String, JdbcMonitor> monitors = new ConcurrentHashMap<>();
    private final Map<String, PoolStats> pools = new ConcurrentHashMap<>();
    private final Map<String, RegisteredExecutor> executors = new ConcurrentHashMap<>();
    private final List<MeterRegistry> executorMeterSources = new CopyOnWriteArrayList<>();
    private final AtomicInteger unnamed = new AtomicInteger();
    private volatile List<Detector> detectors;

    private TelltaleJvm(Builder b) {
        this.target = b.target;
        this.clock = b.clock;
        this.fingerprints = new SqlFingerprints(b.fingerprintCacheSize, new CallSites(b.applicationPackages, b.frameworkPackages));
        this.nPlusOne = new NPlusOneRegistry(512, clock);
        this.statements = new StatementStats(64);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The spec of every in-process detector of this module: those {@link #detectors()} creates and those
     * an application builds itself (resilience, cache, keys, requests, events, http). For listings and
     * settings checks that need no running application.
     */
    public static List<DetectorSpec> specs() {
        return List.of(NPlusOneDetector.SPEC, JdbcStatementsDetector.SPEC, PoolSaturationDetector.SPEC, PoolLeaksDetector.SPEC,
                ExecutorSaturationDetector.SPEC, JvmThreadsDetector.SPEC, MemoryLeakDetector.SPEC,
                RetryStormDetector.SPEC, CircuitBreakerDetector.SPEC, StampedeDetector.SPEC, ClientHotKeysDetector.SPEC,
                DuplicateRequestsDetector.SPEC, EventOrderingDetector.SPEC, ThrottlingDetector.SPEC);
    }

    /** A unit of work named {@code name} (a route such as {@code GET /orders}, a listener, a job), current on this thread until closed. */
    public UnitOfWork unitOfWork(String name) {
        return new UnitOfWork(checkedName(name), scopes, nPlusOne::unitEnded, true);
    }

    /**
     * A unit of work current on no thread until {@link UnitOfWork#attach attached}, closed from any thread: for
     * servers whose requests hop threads (a reactive exchange), which make it current wherever its work runs.
     */
    public UnitOfWork detachedUnitOfWork(String name) {
        return new UnitOfWork(checkedName(name), scopes, nPlusOne::unitEnded, false);
    }

    /**
     * The unit of work current on this thread, or {@code null}: with {@link #makeCurrent}, what a context-propagation
     * library needs to carry units between threads (a Micrometer {@code ThreadLocalAccessor}).
     */
    public UnitOfWork currentUnit() {
        return UnitOfWork.of(scopes.current(), scopes);
    }

    /** Makes {@code unit} current on this thread, or none when {@code null}; see {@link #currentUnit()}. */
    public void makeCurrent(UnitOfWork unit) {
        if (unit == null) {
            scopes.restore(null);
        } else {
            scopes.enter(unit.state());
        }
    }

    private static String checkedName(String name) {
        checkName("unit of work", name);
        return name;
    }

    /**
     * A task that runs with the unit of work current on the calling thread, on whatever thread runs it;
     * the task itself when no unit is current. For executors that hand work on without knowing the unit
     * (a Spring {@code TaskDecorator}, a custom {@code Executor}).
     */
    public Runnable propagate(Runnable task) {
        Objects.requireNonNull(task, "task");
        WorkState unit = scopes.current();
        if (unit == null) {
            return task;
        }
        return () -> {
            WorkState before = scopes.enter(unit);
            try {
                task.run();
            } finally {
                scopes.restore(before);
            }
        };
    }

    /**
     * Wraps a data source so its statements and connections are watched. A HikariCP data source keeps
     * its pool name and is registered for {@code pool.saturation} too. Use the returned data source
     * everywhere the application used the original.
     */
    /** Whether {@code dataSource} is already one that {@link #wrap} returned (so a framework wraps it once). */
    public static boolean isWatched(DataSource dataSource) {
        return dataSource instanceof dev.telltale.jvm.internal.jdbc.WatchedDataSource;
    }

    public DataSource wrap(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return wrap(HikariSupport.poolName(dataSource).orElseGet(() -> "dataSource-" + unnamed.incrementAndGet()), dataSource);
    }

    /**
     * Wraps a data source under a name of your choice: the pool name in findings and tags. A HikariCP
     * data source is registered for {@code pool.saturation} under that name too.
     */
    public DataSource wrap(String name, DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        checkName("data source", name);
        JdbcMonitor monitor = new JdbcMonitor(name, fingerprints, scopes, nPlusOne, statements);
        if (monitors.putIfAbsent(name, monitor) != null) {
            throw new IllegalArgumentException("a data source named '" + name + "' is already wrapped");
        }
        if (HikariSupport.isHikari(dataSource)) {
            pools.putIfAbsent(name, HikariSupport.stats(dataSource));
        }
        return new WatchedDataSource(dataSource, monitor);
    }

    /**
     * Registers a pool that is not HikariCP, or a HikariCP pool not wrapped. When a data source of the
     * same name is wrapped, its connection holders are named in pool findings.
     */
    public void registerPool(String name, PoolStats stats) {
        checkName("pool", name);
        Objects.requireNonNull(stats, "stats");
        if (pools.putIfAbsent(name, stats) != null) {
            throw new IllegalArgumentException("a pool named '" + name + "' is already registered");
        }
    }

    /**
     * Registers a {@link ThreadPoolExecutor} for {@code executor.saturation}. Its rejection handler is
     * wrapped (the original still runs) so that rejections are counted.
     */
    public void registerExecutor(String name, ThreadPoolExecutor executor) {
        checkName("executor", name);
        Objects.requireNonNull(executor, "executor");
        LongAdder rejections = new LongAdder();
        if (executors.putIfAbsent(name, new RegisteredExecutor(name, executor, rejections)) != null) {
            throw new IllegalArgumentException("an executor named '" + name + "' is already registered");
        }
        RejectedExecutionHandler original = executor.getRejectedExecutionHandler();
        executor.setRejectedExecutionHandler((task, pool) -> {
            rejections.increment();
            original.rejectedExecution(task, pool);
        });
    }

    /**
     * Also watches the executors Micrometer's {@code ExecutorServiceMetrics} publishes in {@code registry}
     * ({@code executor.active}, {@code executor.pool.max}, {@code executor.queued}, tag {@code name}).
     * Rejections are not counted for those: Micrometer has no such meter.
     */
    public void watchExecutorMeters(MeterRegistry registry) {
        executorMeterSources.add(Objects.requireNonNull(registry, "registry"));
    }

    /** Every in-process detector, on target {@link Builder#target}; give them to a {@code DetectorEngine}. */
    public List<Detector> detectors() {
        List<Detector> d = detectors;
        if (d == null) {
            synchronized (this) {
                if (detectors == null) {
                    List<Detector> all = new ArrayList<>();
                    all.add(new NPlusOneDetector(target, nPlusOne));
                    all.add(new JdbcStatementsDetector(target, statements));
                    all.add(new PoolSaturationDetector(target, pools, monitors));
                    all.add(new PoolLeaksDetector(target, monitors));
                    all.add(new ExecutorSaturationDetector(target, executors, executorMeterSources));
                    all.add(new JvmThreadsDetector(target));
                    all.add(new MemoryLeakDetector(target));
                    detectors = List.copyOf(all);
                }
                d = detectors;
            }
        }
        return d;
    }

    /** The detector with this id, such as {@code jdbc.n-plus-one}. */
    public Detector detector(String id) {
        return detectors().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no in-process detector '" + id + "'"));
    }

    public String target() {
        return target;
    }

    /** The fingerprint caches, for benchmarks and tests: how many SQL strings and shapes are held now. */
    public int cachedSqlStrings() {
        return fingerprints.cachedSqlCount();
    }

    public int cachedFingerprints() {
        return fingerprints.fingerprintCount();
    }

    static void checkName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
    }

    /** Builds a {@link TelltaleJvm}; every setting has a default. */
    public static final class Builder {
        private String target = "app";
        private Clock clock = Clock.systemUTC();
        private int fingerprintCacheSize = 2048;
        private final List<String> frameworkPackages = new ArrayList<>();
        private final List<String> applicationPackages = new ArrayList<>();

        private Builder() {
        }

        /** The {@code target} tag of every finding and signal: the service name. Default {@code app}. */
        public Builder target(String target) {
            checkName("target", target);
            this.target = target;
            return this;
        }

        /** The clock of the time stamps detectors compare (N+1 patterns last seen). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How many SQL strings, and separately how many statement shapes, are cached. Default 2048. */
        public Builder fingerprintCacheSize(int size) {
            if (size < 16 || size > 1_000_000) {
                throw new IllegalArgumentException("setting 'fingerprintCacheSize': '" + size + "' is outside 16..1000000");
            }
            this.fingerprintCacheSize = size;
            return this;
        }

        /**
         * Package prefixes of the application's own code, for example
         * {@code org.springframework.samples.petclinic}: the call site of a statement is the first frame
         * under one of them. They win over the framework prefixes that are otherwise skipped (JDK,
         * {@code jakarta.}, {@code javax.}, JDBC drivers, pools, proxies, Hibernate, Spring, servlet
         * containers, Telltale), so an application under {@code org.springframework.} still gets its own
         * frames. Without any, the first frame under no framework prefix is the call site.
         */
        public Builder applicationPackages(String... prefixes) {
            for (String p : prefixes) {
                checkName("application package", p);
                applicationPackages.add(p);
            }
            return this;
        }

        /**
         * Package prefixes skipped when looking for the code location of a statement (your own data-access
         * layer, for example {@code com.acme.db.}); JDK, JDBC drivers, pools, proxies, Hibernate, Spring,
         * JDBI, jOOQ and MyBatis are always skipped. An {@link #applicationPackages application package}
         * wins over these.
         */
        public Builder frameworkPackage(String prefix) {
            checkName("framework package", prefix);
            frameworkPackages.add(prefix);
            return this;
        }

        public TelltaleJvm build() {
            return new TelltaleJvm(this);
        }
    }
}
