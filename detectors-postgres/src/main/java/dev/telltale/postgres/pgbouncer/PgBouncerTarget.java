package dev.telltale.postgres.pgbouncer;

import dev.telltale.postgres.internal.PostgresUrl;
import dev.telltale.postgres.pgbouncer.internal.Console;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerTargetAccess;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PgBouncer that Telltale watches through its admin console: {@code postgresql://user:pass@host:6432/pgbouncer}.
 * It keeps its own connection to the console (the {@code pgbouncer} database, never a pool of servers), opened on
 * first use and reopened after a failure, and sends it read-only {@code SHOW} commands only, each bounded by
 * {@link Builder#timeout}. The user must be in the console's {@code stats_users} or {@code admin_users}.
 *
 * <pre>{@code
 * try (PgBouncerTarget bouncer = PgBouncerTarget.fromUrl("bouncer", "postgresql://telltale:secret@pgb:6432/pgbouncer")) {
 *     List<Detector> detectors = PgBouncerDetectors.forTarget(bouncer);
 * }
 * }</pre>
 *
 * The password never appears in {@link #toString()}, error messages or logs.
 */
public final class PgBouncerTarget implements AutoCloseable {
    /** PgBouncer's own default {@code listen_port}. */
    public static final int DEFAULT_PORT = 6432;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,62}");

    private final String name;
    private final String description;
    private final Console console;

    static {
        PgBouncerTargetAccess.install(t -> t.console);
    }

    private PgBouncerTarget(String name, Console.Address address, Duration timeout) {
        this.name = name;
        this.description = address.redacted();
        this.console = new Console(name, address, timeout);
    }

    /**
     * A target from a URL, {@code postgresql://user:pass@host:6432/pgbouncer}, with the default timeout.
     *
     * @throws IllegalArgumentException for a bad name or URL (the message shows the URL without its password)
     */
    public static PgBouncerTarget fromUrl(String name, String url) {
        return builder(name).url(url).build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The configured name: the {@code target} tag of every signal and finding. */
    public String name() {
        return name;
    }

    /** Where the console is, without the password. */
    public String description() {
        return description;
    }

    /** Closes the console connection. Detectors of a closed target fail. */
    @Override
    public void close() {
        console.close();
    }

    @Override
    public String toString() {
        return "PgBouncerTarget[" + name + " at " + description + "]";
    }

    /** Builds a target; every setter validates its value and names it in the error. */
    public static final class Builder {
        private final String name;
        private Optional<PostgresUrl> url = Optional.empty();
        private Optional<String> password = Optional.empty();
        private Duration timeout = Duration.ofSeconds(5);

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("target name '" + name + "' must be 1 to 63 letters, digits, "
                        + "'.', '_', ':' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** {@code postgresql://user:pass@host:port/pgbouncer}: the console's database is always {@code pgbouncer}. */
        public Builder url(String url) {
            this.url = Optional.of(PostgresUrl.parse(url));
            return this;
        }

        /** The password for a URL that carries none (from {@code PGPASSWORD} or a secrets file); the URL's wins. */
        public Builder password(String password) {
            this.password = Optional.of(Objects.requireNonNull(password, "password"));
            return this;
        }

        /** How long to wait for the connection to open and for each answer of the console (default 5 s). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("timeout: '" + timeout + "' is too short; give at least PT0.1S");
            }
            this.timeout = timeout;
            return this;
        }

        public PgBouncerTarget build() {
            PostgresUrl u = url.orElseThrow(() -> new IllegalStateException("target '" + name + "' needs a url(..)"));
            URI uri;
            try {
                String jdbc = u.jdbcUrl().substring("jdbc:".length());
                uri = new URI(jdbc);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("pgbouncer URL '" + u.redacted() + "' is not a URL: " + e.getReason());
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("pgbouncer URL '" + u.redacted() + "' needs a host: "
                        + "postgresql://user:pass@host:6432/pgbouncer");
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (!path.isEmpty() && !path.equals(Console.DATABASE)) {
                throw new IllegalArgumentException("pgbouncer URL '" + u.redacted() + "' names database '" + path
                        + "'; the admin console is database 'pgbouncer': postgresql://user:pass@host:6432/pgbouncer");
            }
            String user = u.user().orElseGet(() -> System.getProperty("user.name", "pgbouncer"));
            Console.Address address = new Console.Address(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                    user, u.password().or(() -> password), u.redacted());
            return new PgBouncerTarget(name, address, timeout);
        }
    }
}
