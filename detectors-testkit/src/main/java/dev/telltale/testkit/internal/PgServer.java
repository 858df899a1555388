package dev.telltale.testkit.internal;

import java.nio.file.Path;
import java.util.Optional;

/** A running PostgreSQL server we may create databases on, as superuser {@code admin}. */
public record PgServer(String source, PgEndpoint admin, int serverVersionNum, Optional<Path> binDir) {
}
