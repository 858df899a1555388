package dev.telltale.postgres.internal;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link SqlFile} of the module against the server it runs on: the server describes the query (parses
 * and plans its result columns without running it, so no parameter values are needed) and the columns must
 * match the file's record exactly, with {@link RowMapping}'s own check. A column renamed in SQL, a component
 * added to a record or a type changed on one side fails here, for each server version the suite runs on.
 */
@ExtendWith(PostgresExtension.class)
class TypedQueriesIT {
    /** The queries for the old pg_stat_statements column names; described in a database that has that version. */
    private static final String LEGACY = "statements-legacy";
    /** pg_stat_statements_info exists from extension 1.9 (PostgreSQL 14) on. */
    private static final String INFO = "statements-info";

    private static int major;
    /** Whether the server ships pgstattuple, which index-bloat-exact calls (installed here when it does). */
    private static boolean pgstattuple;
    private static final String EXACT = "index-bloat-exact";
    private static FileSystem jar;

    @BeforeAll
    static void extension(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
            try (ResultSet rs = s.executeQuery("select count(*) from pg_available_extensions where name = 'pgstattuple'")) {
                rs.next();
                pgstattuple = rs.getLong(1) > 0;
            }
            if (pgstattuple) {
                s.execute("create extension if not exists pgstattuple");
            }
            try (ResultSet rs = s.executeQuery("select current_setting('server_version_num')::int / 10000")) {
                rs.next();
                major = rs.getInt(1);
            }
        }
    }

    @Test
    void everySqlFileMatchesItsRecordOnThisServer(TestPostgres pg) throws Exception {
        Map<String, SqlFile<?>> files = declaredSqlFiles();
        // every query resource of the module is declared with its record somewhere
        assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(sqlResources());

        List<String> drift = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        TestPostgres legacyDb = null;
        try (Connection c = pg.connect()) {
            for (Map.Entry<String, SqlFile<?>> e : files.entrySet()) {
                SqlFile<?> sql = e.getValue();
                if (sql.name().equals(INFO) && major < 14 || sql.name().equals(EXACT) && !pgstattuple) {
                    continue;
                }
                Connection on = c;
                if (sql.name().equals(LEGACY)) {
                    legacyDb = legacyDb == null ? legacyDatabase(pg) : legacyDb;
                    on = legacyDb.connect();
                }
                try {
                    describe(on, e.getKey(), sql);
                    checked.add(e.getKey());
                } catch (Exception | AssertionError x) {
                    drift.add(e.getKey() + ": " + x.getMessage());
                } finally {
                    if (on != c) {
                        on.close();
                    }
                }
            }
        }
        assertThat(drift).as("queries whose columns do not match their record on PostgreSQL " + major).isEmpty();
        assertThat(checked).hasSizeGreaterThanOrEqualTo(files.size() - 1 - (pgstattuple ? 0 : 1));
    }

    private static void describe(Connection c, String where, SqlFile<?> sql) throws Exception {
        // the driver's describe-only round trip: the server parses and plans, returns the row shape, runs nothing
        String positional = NamedSql.parse(sql.text(major)).sql();
        try (PreparedStatement ps = c.prepareStatement(positional)) {
            assertThat(ps.getMetaData()).as(where + " has no result columns").isNotNull();
            RowMapping.of(sql.rowType()).bind(sql.name(), ps.getMetaData());
        }
    }

    private static TestPostgres legacyDatabase(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("drop extension if exists pg_stat_statements");
            s.execute("create extension pg_stat_statements version '1.7'");
        }
        return db;
    }

    /** {@code package/name} of every static {@code SqlFile} field of the module's classes. */
    private static Map<String, SqlFile<?>> declaredSqlFiles() throws Exception {
        Path root = classesRoot();
        Map<String, SqlFile<?>> out = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(x -> x.toString().endsWith(".class")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("module-info") || name.startsWith("META-INF")) {
                    continue;
                }
                Class<?> type = Class.forName(name, true, TypedQueriesIT.class.getClassLoader());
                for (Field f : type.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) && f.getType() == SqlFile.class) {
                        f.setAccessible(true);
                        SqlFile<?> sql = (SqlFile<?>) f.get(null);
                        out.put(type.getPackageName().replace('.', '/') + "/" + sql.name(), sql);
                    }
                }
            }
        }
        assertThat(out).hasSizeGreaterThan(30);
        return out;
    }

    /** {@code package/name} of every base {@code .sql} resource (variants {@code name.pgNN.sql} belong to it). */
    private static TreeSet<String> sqlResources() throws Exception {
        Path root = classesRoot();
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.map(p -> root.relativize(p).toString())
                    .filter(p -> p.endsWith(".sql") && !p.matches(".*\\.pg\\d+\\.sql"))
                    .forEach(p -> out.add(p.replaceAll("\\.sql$", "")));
        }
        return out;
    }

    /** The module's classes: a directory in the IDE, the packaged jar under failsafe. */
    private static Path classesRoot() throws Exception {
        Path location = Path.of(SqlFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return location;
        }
        synchronized (TypedQueriesIT.class) {
            if (jar == null) {
                jar = FileSystems.newFileSystem(location);
            }
        }
        return jar.getPath("/");
    }
}
