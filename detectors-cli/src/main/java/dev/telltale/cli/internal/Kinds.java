package dev.telltale.cli.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Helpers shared by the target kinds. */
final class Kinds {
    private Kinds() {
    }

    /** The innermost cause's message, redacted: what a person needs ("Connection refused"), not the wrapping. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return Redaction.message(message == null ? e.getClass().getSimpleName() : message).replaceAll("\\s+", " ").strip();
    }

    /**
     * libpq's {@code PGPASSWORD}, remembered as a secret so that no output shows it; empty when unset. pgjdbc reads
     * {@code PGPASSFILE} and {@code ~/.pgpass} itself, but not this.
     */
    static Optional<String> pgPassword() {
        String fromEnv = System.getenv("PGPASSWORD");
        if (fromEnv == null || fromEnv.isEmpty()) {
            return Optional.empty();
        }
        Redaction.rememberSecret(fromEnv);
        return Optional.of(fromEnv);
    }

    /** Builds a target, a refused URL or setting becoming a {@link CliException} naming the flag and the target. */
    static <T> T build(String flag, TargetSpec spec, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw new CliException(flag + " " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
        }
    }

    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing after a failure: the failure is what matters
            }
        }
    }
}
