package dev.telltale.postgres.support;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;

/**
 * One {@link PostgresTarget} on the test class's database, opened (and the class's {@link Schema} created)
 * before the class's {@code @BeforeAll} methods, and closed after its last test. Register it after the database's extension:
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class ShopIT {
 *     @RegisterExtension
 *     static final ClassTarget target = new ClassTarget("shop");
 * }
 * }</pre>
 */
public final class ClassTarget implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final Schema schema;
    private volatile TestPostgres database;
    private volatile PostgresTarget target;

    /** What a class creates in its database before its tests, after the target is open. */
    @FunctionalInterface
    public interface Schema {
        void create(TestPostgres db) throws Exception;
    }

    public ClassTarget(String name) {
        this(name, db -> { });
    }

    public ClassTarget(String name, Schema schema) {
        this.name = Objects.requireNonNull(name, "name");
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        database = PostgresExtension.database(context);
        target = PostgresTarget.fromUrl(name, database.jdbcUrl());
        schema.create(database);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PostgresTarget open = target;
        target = null;
        if (open != null) {
            open.close();
        }
    }

    /** The target, open while the class runs. */
    public PostgresTarget get() {
        return Objects.requireNonNull(target, () -> "target " + name + " is open only while its class runs");
    }

    /** The class's test database the target watches. */
    public TestPostgres database() {
        return Objects.requireNonNull(database, () -> "the database of target " + name + " exists only while its class runs");
    }
}
