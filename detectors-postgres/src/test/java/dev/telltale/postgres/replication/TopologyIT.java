package dev.telltale.postgres.replication;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.PrivateServer;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * postgres.topology given targets that do not form one cluster: two databases of one server (one endpoint,
 * reached twice) and two clusters made by separate initdb runs (two lineages). Neither is a split brain,
 * however often it runs; the notes say what was not compared. The promoted standby beside its old primary,
 * the real split brain, is in {@link ReplicationIT}.
 */
@ExtendWith(PostgresExtension.class)
class TopologyIT {

    @Test
    void twoDatabasesOfOneServerAreOneEndpoint(TestPostgres shopDb) throws Exception {
        TestPostgres billingDb = shopDb.newDatabase();
        try (PostgresTarget shop = PostgresTarget.fromUrl("shop", shopDb.jdbcUrl());
             PostgresTarget billing = PostgresTarget.fromUrl("billing", billingDb.jdbcUrl())) {
            String id = systemIdentifier(shopDb.jdbcUrl());
            threeQuietRuns(List.of(shop, billing), 1.0, note -> note
                    .startsWith("shop and billing are databases of one server (")
                    .contains("system identifier " + id));
        }
    }

    @Test
    void twoUnrelatedPrimariesAreNeverASplitBrain(TestPostgres kit) throws Exception {
        try (PrivateServer a = PrivateServer.primary(kit);
             PrivateServer b = PrivateServer.primary(kit);
             PostgresTarget orders = PostgresTarget.fromUrl("orders", a.jdbcUrl("postgres"));
             PostgresTarget users = PostgresTarget.fromUrl("users", b.jdbcUrl("postgres"))) {
            String idA = systemIdentifier(a.jdbcUrl("postgres"));
            String idB = systemIdentifier(b.jdbcUrl("postgres"));
            assertThat(idA).isNotEqualTo(idB);
            threeQuietRuns(List.of(orders, users), 2.0, note -> note
                    .startsWith("compared 2 servers in 2 lineages")
                    .contains("system identifier " + idA + ": orders")
                    .contains("system identifier " + idB + ": users"));
        }
    }

    /**
     * Runs the topology detector over {@code targets} three times: each run finds nothing, sees one primary and
     * both targets, counts {@code lineages} and writes the one note {@code note} checks.
     */
    private static void threeQuietRuns(List<PostgresTarget> targets, double lineages,
                                       Consumer<AbstractStringAssert<?>> note) throws Exception {
        Detector topology = PostgresDetectors.forTopology(targets).get(0);
        for (int run = 0; run < 3; run++) {
            Detection d = Runs.detect(topology, Map.of());
            assertThat(d.findings()).isEmpty();
            assertThat(Runs.signal(d, "postgres.topology.primaries")).contains(1.0);
            assertThat(Runs.signal(d, "postgres.topology.reachable")).contains(2.0);
            assertThat(Runs.signal(d, "postgres.topology.lineages")).contains(lineages);
            note.accept(assertThat(d.notes()).singleElement().asString());
        }
    }

    private static String systemIdentifier(String jdbcUrl) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select system_identifier::text from pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
