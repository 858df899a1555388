package dev.telltale.cli.internal;

import dev.telltale.core.Report;
import dev.telltale.core.Severity;

/** Colour for a terminal, nothing otherwise (pipes, files, a non-empty {@code NO_COLOR}, {@code TERM=dumb}). */
public record Ansi(boolean enabled) {
    public static final Ansi OFF = new Ansi(false);

    /** What {@code --color} takes. */
    public enum When { auto, always, never }

    /** Colour only when stdout is a terminal and the user has not asked for none. */
    public static Ansi forStdout() {
        return forStdout(When.auto, System::getenv, System.console() != null);
    }

    /**
     * {@code always} and {@code never} as said; {@code auto} colours a terminal unless {@code NO_COLOR} is set to
     * something (an empty one does not count, as https://no-color.org says) or {@code TERM} is unset or {@code dumb}.
     */
    public static Ansi forStdout(When when, java.util.function.Function<String, String> env, boolean terminal) {
        return switch (when) {
            case always -> new Ansi(true);
            case never -> OFF;
            case auto -> {
                String noColor = env.apply("NO_COLOR");
                String term = env.apply("TERM");
                yield new Ansi(terminal && (noColor == null || noColor.isEmpty()) && term != null && !term.equals("dumb"));
            }
        };
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

    private String wrap(String code, String text) {
        return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
