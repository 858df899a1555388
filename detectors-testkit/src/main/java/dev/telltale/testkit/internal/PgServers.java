package dev.telltale.testkit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Finds a PostgreSQL server for tests, trying the sources of docs/architecture.md section 4 in order. */
public final class PgServers {
    public static final String URL_ENV = "TELLTALE_TEST_POSTGRES_URL";
    public static final String URL_PARAMETER = "telltale.test.postgres.url";
    public static final String SOURCE_PARAMETER = "telltale.test.postgres.source";
    public static final String BINARIES_PARAMETER = "telltale.test.postgres.binaries";
    public static final List<String> SOURCES = List.of("env", "testcontainers", "embedded");

    private static final ServerSearch<Choice, PgServer> SEARCH = new ServerSearch<>("PostgreSQL",
            LoggerFactory.getLogger(PgServers.class), s -> Integer.toString(s.serverVersionNum()), s -> s.admin().redacted(),
            "Set " + URL_ENV + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres), start a Docker engine,"
                    + " or fix the embedded start (" + BINARIES_PARAMETER + " picks another binaries jar)."
                    + " With CI=true this fails the build; otherwise the tests are skipped.");

    private PgServers() {
    }

    /** What decides the server; two tests with equal choices share it. */
    record Choice(List<String> sources, Optional<Settings.Setting> url, Optional<String> binaries, boolean dockerAllowed)
            implements ServerSearch.Choice {
    }

    public static PgServer server(Settings settings) {
        Choice choice = new Choice(settings.sources(SOURCE_PARAMETER, SOURCES), settings.setting(URL_PARAMETER, URL_ENV),
                settings.parameter(BINARIES_PARAMETER), settings.dockerAllowed());
        return SEARCH.server(choice, (source, c, attempts) -> switch (source) {
            case "env" -> fromEnv(c, attempts);
            case "testcontainers" -> fromContainer(settings, attempts);
            case "embedded" -> fromEmbedded(c, attempts);
            default -> throw new IllegalStateException(source);
        });
    }

    private static Optional<PgServer> fromEnv(Choice choice, Attempts attempts) {
        if (choice.url().isEmpty()) {
            attempts.failed("env", URL_ENV + " is not set");
            return Optional.empty();
        }
        Settings.Setting url = choice.url().get();
        PgEndpoint endpoint;
        try {
            endpoint = PgEndpoint.parse(url.value()).withDatabase("postgres");
        } catch (IllegalArgumentException e) {
            attempts.failed("env", url.name() + "='" + url.value().replaceAll("password=[^&]*", "password=***")
                    + "' is not a PostgreSQL URL: " + e.getMessage());
            return Optional.empty();
        }
        try {
            int version = versionNum(endpoint);
            return Optional.of(new PgServer("env", endpoint, version, machineBinDir(version)));
        } catch (SQLException e) {
            attempts.failed("env", url.name() + " points at " + endpoint.redacted() + " which is unreachable: " + Attempts.describe(e));
            return Optional.empty();
        }
    }

    private static Optional<PgServer> fromContainer(Settings settings, Attempts attempts) {
        Optional<String> noDocker = Docker.unavailableReason(settings);
        if (noDocker.isPresent()) {
            attempts.failed("testcontainers", noDocker.get());
            return Optional.empty();
        }
        try {
            PgEndpoint endpoint = PgContainer.start();
            return Optional.of(new PgServer("testcontainers", endpoint, versionNum(endpoint), Optional.empty()));
        } catch (Exception | LinkageError e) {
            attempts.failed("testcontainers", "postgres:17 container failed: " + Attempts.describe(e));
            return Optional.empty();
        }
    }

    private static Optional<PgServer> fromEmbedded(Choice choice, Attempts attempts) {
        try {
            EmbeddedPg.Started started = EmbeddedPg.start(choice.binaries().map(Path::of));
            int version = versionNum(started.endpoint());
            return Optional.of(new PgServer("embedded", started.endpoint(), version, started.binDir()));
        } catch (Exception | LinkageError e) {
            String from = choice.binaries().map(b -> BINARIES_PARAMETER + "=" + b).orElse("the class path binaries");
            // PostgreSQL refuses to run as root; zonky then runs it under `unshare -U`, which needs user namespaces
            String cause = Attempts.describe(e);
            String rootHint = cause.contains("as root")
                    ? " (running as root: zonky starts PostgreSQL under 'unshare -U', so unprivileged user namespaces must be enabled)"
                    : "";
            attempts.failed("embedded", "embedded PostgreSQL from " + from + " failed: " + cause + rootHint);
            return Optional.empty();
        }
    }

    static int versionNum(PgEndpoint endpoint) throws SQLException {
        try (Connection c = endpoint.connect(5); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    /** Debian/Ubuntu keep one bin dir per major; only one matching the server is useful for replicas. */
    private static Optional<Path> machineBinDir(int versionNum) {
        Path dir = Path.of("/usr/lib/postgresql", Integer.toString(versionNum / 10000), "bin");
        return Files.isExecutable(dir.resolve("postgres")) ? Optional.of(dir) : Optional.empty();
    }
}
