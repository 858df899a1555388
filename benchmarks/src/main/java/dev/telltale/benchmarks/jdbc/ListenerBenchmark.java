package dev.telltale.benchmarks.jdbc;

import dev.telltale.jvm.internal.CallSites;
import dev.telltale.jvm.internal.JdbcMonitor;
import dev.telltale.jvm.internal.NPlusOneRegistry;
import dev.telltale.jvm.internal.Scopes;
import dev.telltale.jvm.internal.SqlFingerprints;
import dev.telltale.jvm.internal.StatementStats;
import dev.telltale.jvm.internal.WorkState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Telltale's own work per statement, without the wrapper around it: what the monitor does for one
 * executed prepared statement (fingerprint lookup of a cached SQL string, statement counters, the
 * unit-of-work table, the bind values' hash). The end-to-end benchmark's differences are drowned in the
 * wrappers' own noise on a busy machine; this is the part no wrapper can save.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ListenerBenchmark implements JdbcMonitor.Parameters {
    private static final String SQL = "select name from customers where id = ?";
    private JdbcMonitor monitor;
    private PreparedStatement statement;
    private long value;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Scopes scopes = new Scopes();
        monitor = new JdbcMonitor("bench", new SqlFingerprints(2048, new CallSites(List.of())), scopes,
                new NPlusOneRegistry(512, Clock.systemUTC()), new StatementStats(64));
        scopes.enter(new WorkState("GET /bench", false));
        statement = StubJdbc.dataSource().getConnection().prepareStatement(SQL);
    }

    /** As the prepared statement wrapper hashes one bound long. */
    @Override
    public int parameterHash(String sql) {
        return 31 + Long.hashCode(value);
    }

    @Benchmark
    public void executed() {
        value++;
        monitor.executed(SQL, 1_000, null, statement, false, null, this);
    }
}
