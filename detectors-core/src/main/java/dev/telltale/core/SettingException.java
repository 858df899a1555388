package dev.telltale.core;

/**
 * A setting that does not exist or a value that does not parse. The message names the key and the
 * value, because it is read by a person fixing a config file.
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public SettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The full key, for example {@code postgres.lock-waits.warning}. */
    public String key() {
        return key;
    }
}
