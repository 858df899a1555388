package dev.telltale.cli.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What an on-call engineer sees when the check itself cannot run: status 3 and one line saying why. */
class ErrorsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void unreachablePostgresExitsThreeNamingItWithoutThePassword() throws Exception {
        int port = closedPort();
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgres",
                "orders=postgresql://alice:Sup3rSecret@127.0.0.1:" + port + "/orders");
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("orders").contains("127.0.0.1:" + port).doesNotContain("Sup3rSecret")
                .doesNotContain("Exception\n").doesNotContain("\tat ");
        assertThat(r.out()).doesNotContain("Sup3rSecret");
    }

    @Test
    void unreachableRedisExitsThreeNamingIt() throws Exception {
        int port = closedPort();
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--redis", "redis://:Sup3rSecret@127.0.0.1:" + port);
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("127.0.0.1:" + port).doesNotContain("Sup3rSecret");
    }

    @Test
    void badFlagExitsThreeNamingIt() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgress", "postgresql://localhost/x");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("--postgress");
    }

    @Test
    void badConfigKeyExitsThreeNamingIt(@TempDir Path dir) throws Exception {
        TelltaleJar.Result r = checkWithConfig(dir, """
                detectors:
                  postgres.lock-waits:
                    warnning: 10s
                """);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("telltale.yaml").contains("postgres.lock-waits.warnning");
    }

    @Test
    void badIntegrityKeyExitsThreeNamingItsPath(@TempDir Path dir) throws Exception {
        TelltaleJar.Result r = checkWithConfig(dir, """
                integrity:
                  duplicates:
                    - table: payments
                      kee: idempotency_key
                """);
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("integrity.duplicates[0]");
    }

    @Test
    void badSetValueExitsThreeNamingKeyAndValue() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgres", "postgresql://postgres@127.0.0.1:5432/postgres",
                "--set", "postgres.lock-waits.warning=forever");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("postgres.lock-waits.warning").contains("forever");
    }

    /** {@code check} with a telltale.yaml of one PostgreSQL target, then {@code rest}. */
    private static TelltaleJar.Result checkWithConfig(Path dir, String rest) throws Exception {
        Path config = dir.resolve("telltale.yaml");
        Files.writeString(config, """
                targets:
                  postgres: [postgresql://postgres@127.0.0.1:5432/postgres]
                """ + rest);
        return TelltaleJar.run(TIMEOUT, "check", "--config", config.toString());
    }

    /** A loopback port nobody listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
