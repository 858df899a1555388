package dev.telltale.cli.internal;

/**
 * The check could not run: a bad flag, a bad config key or value, an unreachable target. The message is
 * the one line printed on stderr (exit status 3), so it names the flag, key or target and never a password.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
