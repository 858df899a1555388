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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * postgres.settings on a private server (never the shared one's configuration): restart-only settings changed with
 * ALTER SYSTEM and reloaded wait for a restart, and an invalid value in postgresql.conf is an entry in error; a fresh
 * server is silent, and a role that may not read the files still sees the pending settings.
 */
@ExtendWith(PostgresExtension.class)
class SettingsIT {

    @Test
    void restartOnlyChangesAndFileErrorsAreReported(TestPostgres kit) throws Exception {
        try (PrivateServer server = PrivateServer.primary(kit);
             PostgresTarget target = PostgresTarget.fromUrl("configured", server.jdbcUrl("postgres"))) {
            SettingsDetector d = new SettingsDetector(target);
            Detection healthy = Runs.detect(d, Map.of());
            assertThat(healthy.findings()).isEmpty();
            assertThat(Runs.signal(healthy, "postgres.settings.pending.restart")).contains(0.0);
            assertThat(Runs.signal(healthy, "postgres.settings.file.errors")).contains(0.0);

            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("alter system set shared_buffers = '32MB'");
                s.execute("alter system set max_connections = 30");
                s.execute("select pg_reload_conf()");
            }
            Detection r = await().atMost(Duration.ofSeconds(30)).until(() -> Runs.detect(d, Map.of()),
                    x -> x.findings().size() == 1);
            Finding f = r.findings().get(0);
            assertThat(f.problem()).isEqualTo(Problem.OVER_PROVISIONING);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.subject()).isEqualTo("settings pending restart");
            assertThat(f.summary()).startsWith("2 settings changed in the configuration are not in effect until the server restarts")
                    .contains("shared_buffers ('16MB' in force, '32MB' configured)")
                    .contains("max_connections ('20' in force, '30' configured)");
            assertThat(f.evidence()).containsEntry("pending_restart", 2L)
                    .containsEntry("shared_buffers", "in force '16MB', configured '32MB' (postgresql.auto.conf:3)");
            assertThat(Runs.signal(r, "postgres.settings.pending.restart")).contains(2.0);
            assertThat(Runs.signal(r, "postgres.settings.file.errors")).contains(0.0);

            // bounded: one named, the other counted
            Detection one = Runs.detect(d, Map.of("max-listed", "1"));
            assertThat(one.findings().get(0).summary()).contains("max_connections").contains("and 1 more")
                    .doesNotContain("shared_buffers");
            assertThat(one.notes()).anyMatch(n -> n.contains("postgres.settings.max-listed = 1"));

            // an invalid value is not applied: an entry in error, a finding of its own
            Files.writeString(server.dataDir().resolve("postgresql.conf"), "\nwork_mem = 'plenty'\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("select pg_reload_conf()");
            }
            Detection errors = await().atMost(Duration.ofSeconds(30)).until(() -> Runs.detect(d, Map.of()),
                    x -> x.findings().size() == 2);
            Finding e = errors.findings().stream().filter(x -> x.subject().equals("configuration file errors")).findFirst().orElseThrow();
            assertThat(e.summary()).contains("1 entry of the configuration files is in error")
                    .contains("work_mem = 'plenty' (postgresql.conf:");
            assertThat(e.evidence()).containsEntry("entries_in_error", 1L);
            assertThat(e.hint()).contains("pg_reload_conf()");
            assertThat(Runs.signal(errors, "postgres.settings.file.errors")).contains(1.0);

            // a role that may not read the files: the pending settings from pg_settings, and the run says what it missed
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("create role watcher login");
            }
            try (PostgresTarget plain = PostgresTarget.fromUrl("plain", server.jdbcUrl("postgres").replace("user=postgres", "user=watcher"))) {
                Detection p = Runs.detect(new SettingsDetector(plain), Map.of());
                assertThat(p.findings()).extracting(Finding::subject).containsExactly("settings pending restart");
                Finding pf = p.findings().get(0);
                assertThat(pf.summary()).contains("shared_buffers ('16MB' in force)");
                assertThat((String) pf.evidence().get("coverage")).contains("pg_settings only");
                assertThat(p.notes()).anyMatch(n -> n.contains("pg_file_settings needs superuser"));
                assertThat(Runs.signal(p, "postgres.settings.file.errors")).isEmpty();
            }
        }
    }
}
