package dev.telltale.cli.internal;

import java.util.List;

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
