package dev.telltale.examples.boot;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An application test on a database of its own from the testkit, given to Boot as {@code spring.datasource.url}.
 * The test classes run one after another, each setting the database before its context starts; a subclass closes
 * its context with the class ({@code @DirtiesContext}), before its database is dropped.
 */
@ExtendWith(PostgresExtension.class)
public abstract class OnTestPostgres {
    private static TestPostgres database;

    @BeforeAll
    static void database(TestPostgres postgres) {
        database = postgres;
    }

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> database.jdbcUrl());
    }
}
