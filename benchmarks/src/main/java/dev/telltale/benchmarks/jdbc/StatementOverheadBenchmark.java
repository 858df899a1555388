package dev.telltale.benchmarks.jdbc;

import com.p6spy.engine.spy.P6DataSource;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.internal.CallSites;
import dev.telltale.jvm.internal.JdbcMonitor;
import dev.telltale.jvm.internal.NPlusOneRegistry;
import dev.telltale.jvm.internal.Scopes;
import dev.telltale.jvm.internal.SqlFingerprints;
import dev.telltale.jvm.internal.StatementStats;
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
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one prepared statement (prepare, bind one long, execute, close) on the stub driver: raw;
 * through datasource-proxy alone; through datasource-proxy feeding Telltale's monitor (how
 * {@code detectors-jvm} listened before its own wrapper); through {@code TelltaleJvm.wrap}, the wrapper
 * and the monitor; and through p6spy with its logging module left out (wrapping only, no listener).
 * Run with {@code -prof gc} for allocation.
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
    private Connection datasourceProxyTelltale;
    private Connection p6spy;
    private long id;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        DataSource stub = StubJdbc.dataSource();
        raw = stub.getConnection();
        proxied = ProxyDataSourceBuilder.create("plain", stub).buildProxy().getConnection();
        TelltaleJvm jvm = TelltaleJvm.builder().build();
        // The statements count towards the connection's transaction, as in an application without explicit units.
        telltale = jvm.wrap("bench", stub).getConnection();
        JdbcMonitor monitor = new JdbcMonitor("bench-old", new SqlFingerprints(2048, new CallSites(List.of())), new Scopes(),
                new NPlusOneRegistry(512, Clock.systemUTC()), new StatementStats(64));
        datasourceProxyTelltale = DatasourceProxyListener.wrap(stub, monitor).getConnection();
        // p6spy without its logging module: what its wrapping alone costs (no spy.properties, no JMX).
        System.setProperty("p6spy.config.modulelist", "com.p6spy.engine.spy.P6SpyFactory");
        System.setProperty("p6spy.config.jmx", "false");
        p6spy = new P6DataSource(stub).getConnection();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        raw.close();
        proxied.close();
        telltale.close();
        datasourceProxyTelltale.close();
        p6spy.close();
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
