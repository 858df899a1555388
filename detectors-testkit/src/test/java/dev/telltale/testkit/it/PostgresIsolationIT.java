package dev.telltale.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs two test classes and checks they got different databases, both dropped afterwards. */
@ExtendWith(PostgresExtension.class)
class PostgresIsolationIT {
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void eachClassGetsItsOwnDatabaseDroppedAfterwards(TestPostgres pg) throws SQLException {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(First.class), selectClass(Second.class))
                .execute().testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0).aborted(0));

        assertThat(SEEN).hasSize(3).doesNotHaveDuplicates().allMatch(name -> name.startsWith("tt_"));
        try (Connection admin = DriverManager.getConnection(pg.adminJdbcUrl());
             PreparedStatement q = admin.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ANY (?)")) {
            q.setArray(1, admin.createArrayOf("text", SEEN.toArray()));
            ResultSet rs = q.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).as("databases left behind by %s", SEEN).isZero();
        }
    }

    @ExtendWith(PostgresExtension.class)
    static class First {
        @Test
        void records(TestPostgres pg) throws SQLException {
            try (Connection c = pg.connect()) {
                c.createStatement().execute("CREATE TABLE mine (id int)");
            }
            SEEN.add(pg.database());
            SEEN.add(pg.newDatabase().database());
        }
    }

    @ExtendWith(PostgresExtension.class)
    static class Second {
        @Test
        void records(TestPostgres pg) throws SQLException {
            try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_tables WHERE tablename = 'mine'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("First's table is not visible here").isZero();
            }
            SEEN.add(pg.database());
        }
    }
}
