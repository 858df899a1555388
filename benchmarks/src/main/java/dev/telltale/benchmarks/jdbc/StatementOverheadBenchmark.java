package dev.telltale.benchmarks.jdbc;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one prepared statement (prepare, bind one long, execute, close) on the stub driver along each
 * of {@link JdbcPaths}. Run with {@code -prof gc} for allocation; on a busy machine read
 * {@link JdbcCpuCost} for the times.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StatementOverheadBenchmark {
    private Map<String, Connection> paths;
    private Connection raw;
    private Connection proxied;
    private Connection datasourceProxyTelltale;
    private Connection telltale;
    private Connection p6spy;
    private long id;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        paths = JdbcPaths.open();
        raw = paths.get("rawJdbc");
        proxied = paths.get("datasourceProxy");
        datasourceProxyTelltale = paths.get("datasourceProxyWithTelltale");
        telltale = paths.get("telltale");
        p6spy = paths.get("p6spy");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        for (Connection c : paths.values()) {
            c.close();
        }
    }

    private ResultSet run(Connection c) throws SQLException {
        return JdbcPaths.run(c, id++);
    }

    @Benchmark
    public ResultSet rawJdbc() throws SQLException {
        return run(raw);
    }

    @Benchmark
    public ResultSet datasourceProxy() throws SQLException {
        return run(proxied);
    }

    @Benchmark
    public ResultSet datasourceProxyWithTelltale() throws SQLException {
        return run(datasourceProxyTelltale);
    }

    @Benchmark
    public ResultSet telltale() throws SQLException {
        return run(telltale);
    }

    @Benchmark
    public ResultSet p6spy() throws SQLException {
        return run(p6spy);
    }
}
