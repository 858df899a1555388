package dev.telltale.cli.internal;

import dev.telltale.core.Report;
import dev.telltale.core.Severity;

/** Colour for a terminal, nothing otherwise (pipes, files, {@code NO_COLOR}, {@code TERM=dumb}). */
public record Ansi(boolean enabled) {
    public static final Ansi OFF = new Ansi(false);

    /** Colour only when stdout is a terminal and the user has not asked for none. */
    public static Ansi forStdout() {
        String term = System.getenv("TERM");
        boolean tty = System.console() != null && System.getenv("NO_COLOR") == null
                && term != null && !term.equals("dumb");
        return new Ansi(tty);
    }

    public String severity(Severity s, String text) {
        return switch (s) {
            case CRITICAL -> wrap("1;31", text);
            case WARNING -> wrap("33", text);
            case INFO -> wrap("36", text);
        };
    }

    public String status(Report.Status s, String text) {
        return switch (s) {
            case OK -> wrap("32", text);
            case WARNING -> wrap("33", text);
            case CRITICAL -> wrap("1;31", text);
            case UNKNOWN -> wrap("35", text);
        };
    }

    public String bold(String text) {
        return wrap("1", text);
    }

    public String dim(String text) {
        return wrap("2", text);
    }

    /** Moves the cursor home and clears the screen, for {@code watch}. */
    public String clearScreen() {
        return enabled ? "\u001b[H\u001b[2J" : "";
    }

    private String wrap(String code, String text) {
        return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
