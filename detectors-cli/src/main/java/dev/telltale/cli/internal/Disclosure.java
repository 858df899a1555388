package dev.telltale.cli.internal;

import dev.telltale.redis.KeyNames;

import java.util.Objects;

/**
 * What the outputs of a command (findings in the table and JSON, {@code /findings}, the log) may show of the
 * data in the targets. By default: query text with its constants replaced by placeholders, Redis key names
 * to their first {@code :} segment.
 *
 * @param queryLiterals {@code --show-query-literals}: query text with its constants, as the server has it
 * @param keyNames      {@code --show-key-names} / {@code --key-name-depth}: how much of a Redis key name shows
 */
public record Disclosure(boolean queryLiterals, KeyNames keyNames) {
    /** Nothing beyond the defaults. */
    public static final Disclosure NONE = new Disclosure(false, KeyNames.defaults());

    public Disclosure {
        Objects.requireNonNull(keyNames, "keyNames");
    }
}
