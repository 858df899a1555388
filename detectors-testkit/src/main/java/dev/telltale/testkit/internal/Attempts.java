package dev.telltale.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/** The sources tried for one backend and why each was not used; becomes the error text. */
public final class Attempts {
    private final String backend;
    private final List<String> lines = new ArrayList<>();

    public Attempts(String backend) {
        this.backend = backend;
    }

    public void failed(String source, String reason) {
        lines.add(source + ": " + reason);
    }

    public String message(String hint) {
        StringBuilder text = new StringBuilder("No ").append(backend).append(" for tests. Tried, in order:");
        for (int i = 0; i < lines.size(); i++) {
            text.append("\n  ").append(i + 1).append(". ").append(lines.get(i));
        }
        if (lines.isEmpty()) {
            text.append(" nothing (no source selected)");
        }
        return text.append("\n").append(hint).toString();
    }

    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        while (current != null) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(current.getMessage().strip());
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.toString();
    }
}
