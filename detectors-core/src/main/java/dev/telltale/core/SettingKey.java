package dev.telltale.core;

import java.util.Optional;

/**
 * A flat setting key: {@code <detector id>.<setting>} for every target, or
 * {@code <detector id>.<setting>@<target>} for one target only (the per-target value wins). Target names
 * never contain {@code @}, so the last one separates the two.
 */
public record SettingKey(String key, Optional<String> target) {
    public static final char TARGET_SEPARATOR = '@';

    /** @throws SettingException for a key that ends in {@code @} or starts with it */
    public static SettingKey parse(String flat) {
        int at = flat.lastIndexOf(TARGET_SEPARATOR);
        if (at < 0) {
            return new SettingKey(flat, Optional.empty());
        }
        String target = flat.substring(at + 1);
        if (target.isEmpty() || at == 0) {
            throw new SettingException(flat, "setting '" + flat + "': give '<detector>.<setting>@<target>' with a target name after '@'");
        }
        return new SettingKey(flat.substring(0, at), Optional.of(target));
    }

    /** The flat form of a key scoped to one target. */
    public static String scoped(String key, String target) {
        return key + TARGET_SEPARATOR + target;
    }
}
