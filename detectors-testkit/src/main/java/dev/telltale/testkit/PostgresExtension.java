package dev.telltale.testkit;

import dev.telltale.testkit.internal.PgServers;
import dev.telltale.testkit.internal.Settings;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands tests a {@link TestPostgres}: a fresh database per test class on a real PostgreSQL server.
 *
 * <p>The server comes from, in order: {@code TELLTALE_TEST_POSTGRES_URL} (or the configuration
 * parameter / system property {@code telltale.test.postgres.url}); Testcontainers' {@code postgres:17}
 * when a Docker engine answers; zonky's embedded PostgreSQL 17 (or the binaries jar named by
 * {@code telltale.test.postgres.binaries}), started once per JVM. {@code telltale.test.postgres.source}
 * ({@code auto}, or a comma list of {@code env}, {@code testcontainers}, {@code embedded}) narrows or
 * reorders that. When nothing works the test class fails if {@code CI=true}, and is skipped otherwise.
 */
public final class PostgresExtension extends BackendExtension<PostgresClassScope> {

    public PostgresExtension() {
        super(TestPostgres.class, PostgresClassScope.class);
    }

    /**
     * The database of the test class that {@code context} belongs to, for an extension registered after this one
     * (a field's {@code @RegisterExtension}): its callbacks run once the database exists.
     */
    public static TestPostgres database(ExtensionContext context) {
        return new PostgresExtension().scope(context).main();
    }

    @Override
    PostgresClassScope openScope(Settings settings) {
        return new PostgresClassScope(PgServers.server(settings));
    }

    @Override
    Object parameterOf(PostgresClassScope scope) {
        return scope.main();
    }
}
