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

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ways a statement can reach the stub driver, each as one open connection: raw; datasource-proxy
 * alone; datasource-proxy feeding Telltale's monitor (how {@code detectors-jvm} listened before its own
 * wrapper); {@code TelltaleJvm.wrap} (the wrapper and the monitor); p6spy with its logging module left
 * out (its wrapping alone, no spy.properties, no JMX). Statements count towards the connection's
 * transaction, as in an application without explicit units of work.
 */
final class JdbcPaths {
    static final String SQL = "select name from customers where id = ?";

    private JdbcPaths() {
    }

    static Map<String, Connection> open() throws SQLException {
        DataSource stub = StubJdbc.dataSource();
        Map<String, Connection> paths = new LinkedHashMap<>();
        paths.put("rawJdbc", stub.getConnection());
        paths.put("datasourceProxy", ProxyDataSourceBuilder.create("plain", stub).buildProxy().getConnection());
        JdbcMonitor monitor = new JdbcMonitor("bench-old", new SqlFingerprints(2048, new CallSites(List.of())), new Scopes(),
                new NPlusOneRegistry(512, Clock.systemUTC()), new StatementStats(64));
        paths.put("datasourceProxyWithTelltale", DatasourceProxyListener.wrap(stub, monitor).getConnection());
        paths.put("telltale", TelltaleJvm.builder().build().wrap("bench", stub).getConnection());
        System.setProperty("p6spy.config.modulelist", "com.p6spy.engine.spy.P6SpyFactory");
        System.setProperty("p6spy.config.jmx", "false");
        paths.put("p6spy", new P6DataSource(stub).getConnection());
        return paths;
    }

    /** One statement as the benchmarks measure it: prepare, bind one long, execute, close. */
    static ResultSet run(Connection c, long id) throws SQLException {
        PreparedStatement ps = c.prepareStatement(SQL);
        ps.setLong(1, id);
        ResultSet rs = ps.executeQuery();
        ps.close();
        return rs;
    }
}
