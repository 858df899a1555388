package dev.telltale.benchmarks.jdbc;

import dev.telltale.jvm.TelltaleJvm;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
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

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one prepared statement (prepare, bind one long, execute, close) on the stub driver:
 * raw, through datasource-proxy alone, and through datasource-proxy with Telltale's listener. The
 * difference between the last two is what Telltale adds. Run with {@code -prof gc} for allocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StatementOverheadBenchmark {
    private static final String SQL = "select name from customers where id = ?";

    private Connection raw;
    private Connection proxied;
    private Connection telltale;
    private long id;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        DataSource stub = StubJdbc.dataSource();
        raw = stub.getConnection();
        proxied = ProxyDataSourceBuilder.create("plain", stub).buildProxy().getConnection();
        TelltaleJvm jvm = TelltaleJvm.builder().build();
        // The statements count towards the connection's transaction, as in an application without explicit units.
        telltale = jvm.wrap("bench", stub).getConnection();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        raw.close();
        proxied.close();
        telltale.close();
    }

    private ResultSet run(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(SQL);
        ps.setLong(1, id++);
        ResultSet rs = ps.executeQuery();
        ps.close();
        return rs;
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
        return run(telltale);
    }
}
