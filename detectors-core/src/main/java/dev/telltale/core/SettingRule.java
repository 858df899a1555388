package dev.telltale.core;

import java.util.List;
import java.util.Objects;

/**
 * A rule between two settings of one detector, checked when the engine is built: a warning threshold
 * must be below its critical one, a minimum below its maximum. A configuration that breaks it would make
 * one of the two settings meaningless, so it is refused with both keys and values named.
 */
public final class SettingRule {
    private final Setting<?> lower;
    private final Setting<?> upper;
    private final boolean strict;

    private SettingRule(Setting<?> lower, Setting<?> upper, boolean strict) {
        this.lower = Objects.requireNonNull(lower, "lower");
        this.upper = Objects.requireNonNull(upper, "upper");
        this.strict = strict;
        if (lower.type() != upper.type() || !(lower.defaultValue() instanceof Comparable<?>)) {
            throw new IllegalArgumentException("settings '" + lower.name() + "' and '" + upper.name()
                    + "' cannot be compared: a rule needs two settings of one ordered type");
        }
    }

    /** {@code lower} must be strictly below {@code upper}. */
    public static <T extends Comparable<T>> SettingRule below(Setting<T> lower, Setting<T> upper) {
        return new SettingRule(lower, upper, true);
    }

    /** {@code lower} must not be above {@code upper}. */
    public static <T extends Comparable<T>> SettingRule notAbove(Setting<T> lower, Setting<T> upper) {
        return new SettingRule(lower, upper, false);
    }

    public List<Setting<?>> settings() {
        return List.of(lower, upper);
    }

    /** The rule in words, for {@code telltale list}. */
    public String describe() {
        return lower.name() + (strict ? " < " : " <= ") + upper.name();
    }

    /** @throws SettingException naming both keys and their values when the resolved values break the rule */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void check(DetectorSettings settings) {
        Object low = settings.get(lower);
        Object high = settings.get(upper);
        int c = ((Comparable) low).compareTo(high);
        if (strict ? c >= 0 : c > 0) {
            String id = settings.detectorId();
            throw new SettingException(id + "." + lower.name(), "setting '" + id + "." + lower.name() + "' ("
                    + settings.text(lower.name()) + ") must be " + (strict ? "below" : "at most") + " '" + id + "."
                    + upper.name() + "' (" + settings.text(upper.name()) + ")");
        }
    }
}
