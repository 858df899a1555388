package dev.telltale.postgres;

import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.PostgresUrl;
import dev.telltale.postgres.internal.QueryRunner;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server that Telltale watches. It keeps its <em>own</em> connection (never one of the
 * application's pool) with {@code application_name=telltale}, opened on first use and reopened after a
 * failure, and runs every detection on it in a read-only transaction with a statement timeout, a lock
 * timeout and a client-side network timeout.
 *
 * <pre>{@code
 * try (PostgresTarget db = PostgresTarget.fromUrl("orders-db", "postgresql://telltale:secret@db:5432/orders")) {
 *     List<Detector> detectors = PostgresDetectors.forTarget(db);
 * }
 * }</pre>
 *
 * The password never appears in {@link #toString()}, error messages or logs.
 */
public final class PostgresTarget implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,62}");

    private final String name;
    private final String description;
    private final QueryRunner runner;
    private final Settings settings;

    static {
        // the runner goes to this module's internals only, never through a public method
        PostgresTargetAccess.install(t -> t.runner);
    }

    private PostgresTarget(String name, String description, DataSource dataSource, Settings settings, boolean ownDataSource,
                           Optional<PostgresFleet> fleet) {
        this.name = name;
        this.description = description;
        this.settings = settings;
        this.runner = new QueryRunner(name, description, dataSource, new QueryRunner.RunnerConfig(
                settings.statementTimeout, settings.lockTimeout, settings.networkMargin, settings.maxRows, !ownDataSource,
                settings.allowJit), fleet.map(PostgresFleet::views).orElse(null));
    }

    /**
     * A target from a URL, {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://host:port/db?user=..},
     * with default timeouts.
     *
     * @throws IllegalArgumentException for a bad name or URL (the message shows the URL without its password)
     */
    public static PostgresTarget fromUrl(String name, String url) {
        return builder(name).url(url).build();
    }

    /**
     * A target from a {@code DataSource}, with default timeouts. Telltale takes one connection from it and keeps
     * it (setting {@code application_name=telltale} on it), so prefer a plain, unpooled data source.
     */
    public static PostgresTarget fromDataSource(String name, DataSource dataSource) {
        return builder(name).dataSource(dataSource).build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The configured name: the {@code target} tag of every signal and finding. */
    public String name() {
        return name;
    }

    /** Where the target is, without the password. */
    public String description() {
        return description;
    }

    public Duration statementTimeout() {
        return settings.statementTimeout;
    }

    public Duration lockTimeout() {
        return settings.lockTimeout;
    }

    /** Whether findings show query text with its constants ({@link Builder#showQueryLiterals}); off by default. */
    public boolean showsQueryLiterals() {
        return settings.showQueryLiterals;
    }

    /** Closes the connection. Detectors of a closed target fail. */
    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return "PostgresTarget[" + name + " at " + description + "]";
    }

    private record Settings(Duration statementTimeout, Duration lockTimeout, Duration connectTimeout,
                            Duration networkMargin, int maxRows, boolean showQueryLiterals, boolean allowJit) {
    }

    /** Builds a target; every setter validates its value and names it in the error. */
    public static final class Builder {
        private final String name;
        private Optional<PostgresUrl> url = Optional.empty();
        private Optional<DataSource> dataSource = Optional.empty();
        private Optional<String> password = Optional.empty();
        private Duration statementTimeout = Duration.ofSeconds(5);
        private Duration lockTimeout = Duration.ofMillis(200);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration networkMargin = Duration.ofSeconds(5);
        private int maxRows = 1000;
        private boolean showQueryLiterals;
        private boolean allowJit;
        private Optional<PostgresFleet> fleet = Optional.empty();

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("target name '" + name + "' must be 1 to 63 letters, digits, "
                        + "'.', '_', ':' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://host:port/db?user=..&password=..}. */
        public Builder url(String url) {
            this.url = Optional.of(PostgresUrl.parse(url));
            this.dataSource = Optional.empty();
            return this;
        }

        /**
         * The password for a URL that carries none (read from {@code PGPASSWORD} or a secrets file, say); a
         * password in the URL wins. Without either, the driver looks in {@code PGPASSFILE} or {@code ~/.pgpass}.
         */
        public Builder password(String password) {
            this.password = Optional.of(Objects.requireNonNull(password, "password"));
            return this;
        }

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Optional.of(Objects.requireNonNull(dataSource, "dataSource"));
            this.url = Optional.empty();
            return this;
        }

        /** Server-side {@code statement_timeout} of every detection query (default 5 s). */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = positive("statementTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /** Server-side {@code lock_timeout}: how long a detection query may queue behind DDL (default 200 ms). */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = positive("lockTimeout", timeout, Duration.ofMillis(1));
            return this;
        }

        /** How long to wait for a connection to open (default 5 s); for URL targets. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout, Duration.ofSeconds(1));
            return this;
        }

        /**
         * How much longer than the statement timeout the client waits for an answer before it declares
         * the link dead (default 5 s): the guard against half-open connections.
         */
        public Builder networkMargin(Duration margin) {
            this.networkMargin = positive("networkMargin", margin, Duration.ofSeconds(1));
            return this;
        }

        /** The most rows any one query may return (default 1000). */
        public Builder maxRows(int maxRows) {
            if (maxRows < 1 || maxRows > 100_000) {
                throw new IllegalArgumentException("maxRows: '" + maxRows + "' must be between 1 and 100000");
            }
            this.maxRows = maxRows;
            return this;
        }

        /**
         * Whether query text in findings keeps its constants (default false: they are replaced by {@code $n}
         * placeholders, so a card number or an e-mail address in a query never reaches a finding, a log or
         * {@code /findings}). Turn on only where whoever reads the findings may read the data.
         */
        public Builder showQueryLiterals(boolean show) {
            this.showQueryLiterals = show;
            return this;
        }

        /**
         * Whether the server may JIT-compile detection queries (default false: every detection transaction runs
         * {@code SET LOCAL jit = off}). Catalogue queries over many tables are costed above {@code jit_above_cost},
         * and compiling them took most of their server time when measured at 10,000 tables.
         */
        public Builder allowJit(boolean allow) {
            this.allowJit = allow;
            return this;
        }

        /**
         * Makes the target one of {@code fleet}: targets of one fleet that reach the same server (several databases
         * of it) read the server-wide views once per interval between them instead of once each
         * ({@link PostgresFleet}). Off by default: a target reads everything on its own connection.
         */
        public Builder fleet(PostgresFleet fleet) {
            this.fleet = Optional.of(Objects.requireNonNull(fleet, "fleet"));
            return this;
        }

        public PostgresTarget build() {
            Settings s = new Settings(statementTimeout, lockTimeout, connectTimeout, networkMargin, maxRows, showQueryLiterals,
                    allowJit);
            if (url.isPresent()) {
                PostgresUrl u = url.get();
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(u.jdbcUrl());
                u.user().ifPresent(ds::setUser);
                u.password().or(() -> password).ifPresent(ds::setPassword);
                ds.setApplicationName("telltale");
                ds.setConnectTimeout((int) Math.max(1, connectTimeout.toSeconds()));
                ds.setLoginTimeout((int) Math.max(1, connectTimeout.toSeconds()));
                // keepalive notices a peer gone without a FIN; the socket timeout bounds what no query
                // timeout covers (the startup and authentication exchange, a rollback) on a link that stalls
                ds.setTcpKeepAlive(true);
                ds.setSocketTimeout((int) Math.max(1, statementTimeout.plus(networkMargin).toSeconds()));
                return new PostgresTarget(name, u.redacted(), ds, s, true, fleet);
            }
            if (dataSource.isPresent()) {
                DataSource ds = dataSource.get();
                return new PostgresTarget(name, "a " + ds.getClass().getSimpleName(), ds, s, false, fleet);
            }
            throw new IllegalStateException("target '" + name + "' needs a url(..) or a dataSource(..)");
        }

        private static Duration positive(String setting, Duration value, Duration min) {
            if (value == null || value.compareTo(min) < 0) {
                throw new IllegalArgumentException(setting + ": '" + value + "' is too short; give at least " + min);
            }
            return value;
        }
    }
}
