package dev.telltale.examples.jvm;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import dev.telltale.jvm.TelltaleJvm;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plain Java with HikariCP: wraps the pool, runs a job with an N+1 loop three times, and prints what
 * the in-process detectors found.
 *
 * <pre>java -cp ... dev.telltale.examples.jvm.InProcessExample 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'</pre>
 */
public final class InProcessExample {
    private InProcessExample() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
        for (Finding f : run(url).findings()) {
            System.out.println(f.severity() + " " + f.detector() + " " + f.subject());
            System.out.println("  " + f.summary());
            f.evidence().forEach((k, v) -> System.out.println("  " + k + ": " + v));
        }
    }

    /** Runs the example against {@code url} in a scratch schema and returns the detectors' report. */
    public static Report run(String url) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("example");
        config.setMaximumPoolSize(4);
        String schema = "telltale_example_" + Long.toHexString(System.nanoTime());
        try (HikariDataSource hikari = new HikariDataSource(config)) {
            TelltaleJvm telltale = TelltaleJvm.builder().target("example-service")
                    .applicationPackages("dev.telltale.examples").build();
            DataSource ds = telltale.wrap(hikari);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("create schema " + schema);
                s.execute("create table " + schema + ".authors (id bigint primary key, name text)");
                s.execute("create table " + schema + ".books (id bigint primary key, author_id bigint)");
                s.execute("insert into " + schema + ".authors select g, 'author ' || g from generate_series(1, 30) g");
                s.execute("insert into " + schema + ".books select g, g from generate_series(1, 30) g");
            }
            // the N+1 verdict is the pattern's: 30 lookups of about a millisecond in all on a local server count
            try (DetectorEngine engine = DetectorEngine.builder()
                    .detectors(telltale.detectors())
                    .build()) {
                ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
                try {
                    Runnable job = new UnitOfWorkRunnable(telltale, "job: book report", () -> bookReport(ds, schema));
                    for (int i = 0; i < 3; i++) {
                        scheduler.schedule(job, 0, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
                    }
                } finally {
                    scheduler.shutdownNow();
                }
                return engine.runOnce(Duration.ZERO);
            } finally {
                try (Connection c = hikari.getConnection(); Statement s = c.createStatement()) {
                    s.execute("drop schema " + schema + " cascade");
                }
            }
        }
    }

    /** The N+1: the books, then each book's author one by one. */
    static List<String> bookReport(DataSource ds, String schema) {
        List<String> lines = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet books = s.executeQuery("select id, author_id from " + schema + ".books order by id")) {
            while (books.next()) {
                try (PreparedStatement ps = c.prepareStatement("select name from " + schema + ".authors where id = ?")) {
                    ps.setQueryTimeout(5);
                    ps.setLong(1, books.getLong(2));
                    try (ResultSet author = ps.executeQuery()) {
                        author.next();
                        lines.add(books.getLong(1) + " by " + author.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }
}
