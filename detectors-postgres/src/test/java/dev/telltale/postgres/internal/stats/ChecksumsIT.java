package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.PrivateServer;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * postgres.checksums on a private server initialised with data checksums: bytes of a table's data file are
 * overwritten while the server is down, and reading the table afterwards fails verification for real.
 */
@ExtendWith(PostgresExtension.class)
class ChecksumsIT {

    @Test
    void aCorruptedPageIsCritical(TestPostgres kit) throws Exception {
        try (PrivateServer server = PrivateServer.primary(kit, List.of("--data-checksums"))) {
            String file;
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("create table precious (id int, v text)");
                s.execute("insert into precious select g, 'value ' || g from generate_series(1, 100) g");
                try (ResultSet rs = s.executeQuery("select pg_relation_filepath('precious')")) {
                    rs.next();
                    file = rs.getString(1);
                }
            }
            Path page = server.dataDir().resolve(file);
            server.restartAround(() -> {
                try (RandomAccessFile f = new RandomAccessFile(page.toFile(), "rw")) {
                    f.seek(4000); // inside the first 8 kB page, past its header
                    f.write("bit rot".repeat(10).getBytes(StandardCharsets.US_ASCII));
                }
            });
            try (PostgresTarget target = PostgresTarget.fromUrl("checksummed", server.jdbcUrl("postgres"))) {
                ChecksumsDetector d = new ChecksumsDetector(target);
                Detection quiet = Runs.detect(d, Map.of());
                assertThat(quiet.findings()).isEmpty(); // checksums are on: no INFO either
                assertThat(Runs.signal(quiet, "postgres.checksums.enabled")).contains(1.0);

                try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeQuery("select count(*) from precious"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("invalid page");
                }
                await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Detection r = Runs.detect(d, Map.of());
                    Finding f = r.findings().stream().findFirst().orElseThrow();
                    assertThat(f.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.subject()).isEqualTo("checksum failures");
                    assertThat((Long) f.evidence().get("failures")).isGreaterThanOrEqualTo(1L);
                    assertThat(Runs.signal(r, "postgres.checksums.failures").orElseThrow()).isGreaterThanOrEqualTo(1.0);
                });
            }
        }
    }
}
