package dev.telltale.jvm;

import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.NPlusOneDetector;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jdbc.n-plus-one} with its default settings on a real PostgreSQL through HikariCP: the verdict is
 * the pattern's (a petclinic owner page loading each pet's visits one by one, a handful of sub-millisecond
 * lookups), time only raises the severity, and the fixes (one IN-list fetch, a JDBC batch) stay silent.
 */
@ExtendWith(PostgresExtension.class)
class NPlusOneIT {
    private static final String OWNER_PAGE = "GET /owners/{ownerId}";
    private static final Map<String, String> DEFAULTS = Map.of();
    private static HikariDataSource hikari;

    @BeforeAll
    static void schema(TestPostgres postgres) throws SQLException {
        postgres.execute("""
                create table owners (id integer primary key, last_name text not null);
                create table pets (id integer primary key, owner_id integer not null references owners, name text not null);
                create table visits (id serial primary key, pet_id integer not null references pets, description text);
                create index on pets (owner_id);
                create index on visits (pet_id);
                insert into owners select g, 'owner ' || g from generate_series(1, 10) g;
                -- six pets per owner: pets 10*o+1 .. 10*o+6 belong to owner o
                insert into pets select 10 * o + p, o, 'pet ' || p from generate_series(1, 10) o, generate_series(1, 6) p;
                insert into visits (pet_id, description) select id, 'check-up' from pets;
                """);
        hikari = new Pg(postgres).pool("petclinic", 4);
    }

    @AfterAll
    static void close() {
        hikari.close();
    }

    private TelltaleJvm telltale;
    private DataSource ds;
    private Detector detector;

    /** Each test: a fresh Telltale on the petclinic pool, its N+1 detector handed the default settings. */
    @BeforeEach
    void petclinic() throws Exception {
        // The test class stands for the application: it is under dev.telltale., a framework prefix, which the include overrides.
        telltale = TelltaleJvm.builder().target("petclinic").applicationPackages("dev.telltale.jvm.NPlusOneIT").build();
        ds = telltale.wrap(hikari);
        detector = telltale.detector(NPlusOneDetector.ID);
        Detect.configure(detector, DEFAULTS);
    }

    private static List<Integer> petsOf(Connection c, int owner) throws SQLException {
        List<Integer> pets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from pets where owner_id = ? order by id")) {
            ps.setInt(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pets.add(rs.getInt(1));
                }
            }
        }
        return pets;
    }

    /** The owner page as Hibernate runs it with default_batch_fetch_size=1: the owner, its pets, then each pet's visits. */
    private static void ownerPageOneByOne(DataSource ds, int owner, String visitsSql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("select id, last_name from owners where id = ?")) {
                ps.setInt(1, owner);
                ps.executeQuery().close();
            }
            for (int pet : petsOf(c, owner)) {
                try (PreparedStatement ps = c.prepareStatement(visitsSql)) {
                    ps.setInt(1, pet);
                    ps.executeQuery().close();
                }
            }
        }
    }

    /** The owner pages of owners {@code first} to {@code last}, one request (unit of work) each. */
    private void ownerPages(int first, int last, String visitsSql) throws SQLException {
        for (int owner = first; owner <= last; owner++) {
            try (var request = telltale.unitOfWork(OWNER_PAGE)) {
                ownerPageOneByOne(ds, owner, visitsSql);
            }
        }
    }

    @Test
    void sixSubMillisecondLookupsPerRequestAreAnNPlusOneWithTheDefaults() throws Exception {
        String visits = "select id, description from visits where pet_id = ?";

        ownerPages(1, 2, visits);
        assertThat(Detect.run(detector, DEFAULTS).findings()).as("two requests: below the confirmation gate of 3").isEmpty();

        ownerPages(3, 3, visits);
        Detection d = Detect.run(detector, DEFAULTS);
        Finding f = Detect.finding(d, OWNER_PAGE).orElseThrow(() -> new AssertionError(d.findings()));
        assertThat(f.subject()).isEqualTo(OWNER_PAGE + ": " + visits);
        assertThat(f.evidence()).containsEntry("executions", 6).containsEntry("executions_max", 6).containsEntry("units_seen", 3);
        assertThat((double) f.evidence().get("total_time_max_ms")).as("sub-millisecond lookups on a local server").isLessThan(100);
        assertThat(f.severity()).as("6 lookups, well under 100 ms: an N+1 all the same, not yet critical").isEqualTo(Severity.WARNING);
        assertThat(f.summary()).startsWith(OWNER_PAGE + " runs the same query up to 6 times per unit of work (up to ")
                .contains(" in all), once per row, from dev.telltale.jvm.NPlusOneIT.ownerPageOneByOne(NPlusOneIT.java:")
                .doesNotContainPattern("\\d\\.\\d{3,}");
        assertThat(d.findings()).as("the owner and pets lookups run once per request").hasSize(1);
    }

    @Test
    void timeOnlyRaisesTheSeverity() throws Exception {
        // 6 lookups of 25 ms each: 150 ms per request, over critical-total-time (100 ms) with the count far below 20
        String slowVisits = "select v.id, v.description from visits v, pg_sleep(0.025) where v.pet_id = ?";
        ownerPages(4, 6, slowVisits);
        Finding f = Detect.finding(Detect.run(detector, DEFAULTS), "pg_sleep").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.evidence()).containsEntry("executions_max", 6);
        assertThat((double) f.evidence().get("total_time_max_ms")).isGreaterThanOrEqualTo(100);
    }

    @Test
    void anInListLoaderABatchAndARepeatedIdenticalLookupStaySilent() throws Exception {
        for (int owner = 7; owner <= 10; owner++) {
            try (var request = telltale.unitOfWork(OWNER_PAGE); Connection c = ds.getConnection()) {
                List<Integer> pets = petsOf(c, owner);
                // the fix: all the pets' visits in one query
                String marks = String.join(", ", java.util.Collections.nCopies(pets.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement("select id, pet_id from visits where pet_id in (" + marks + ")")) {
                    for (int i = 0; i < pets.size(); i++) {
                        ps.setInt(i + 1, pets.get(i));
                    }
                    ps.executeQuery().close();
                }
            }
            try (var request = telltale.unitOfWork("POST /visits"); Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("insert into visits (pet_id, description) values (?, ?)")) {
                for (int pet : petsOf(c, owner)) {
                    ps.setInt(1, pet);
                    ps.setString(2, "vaccination");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var request = telltale.unitOfWork("GET /vets"); Connection c = ds.getConnection()) {
                for (int i = 0; i < 8; i++) {
                    try (PreparedStatement ps = c.prepareStatement("select last_name from owners where id = ?")) {
                        ps.setInt(1, 1); // the same row again and again: a cache candidate, not an N+1
                        ps.executeQuery().close();
                    }
                }
            }
        }
        assertThat(Detect.run(detector, DEFAULTS).findings()).isEmpty();
    }
}
