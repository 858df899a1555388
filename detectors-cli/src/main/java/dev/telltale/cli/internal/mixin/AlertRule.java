package dev.telltale.cli.internal.mixin;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Prometheus alerting rule and the cases that show it right: series it must fire on (with the labels the
 * alert must carry) and series it must stay silent on. The cases become {@code promtool test rules} tests.
 *
 * @param holdFor the rule's {@code for}; zero when the rule fires at once
 */
public record AlertRule(String name, String expr, Duration holdFor, Map<String, String> labels,
                        Map<String, String> annotations, List<Case> cases) {
    public AlertRule {
        labels = ordered(labels);
        annotations = ordered(annotations);
        cases = List.copyOf(cases);
    }

    /** A copy that keeps the given order, so the generated files are stable. */
    static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** A series given to promtool: name, labels and its samples in promtool's notation ({@code 0+1x30}). */
    public record Series(String name, Map<String, String> labels, String values) {
        public Series {
            labels = ordered(labels);
        }
    }

    /**
     * What the rule must do over {@code input} at {@code at}: fire once per entry of {@code firing} (the labels
     * of the expression's result; the rule's own labels and {@code alertname} are added) or, when it is empty,
     * stay silent. {@code value} is what {@code $value} renders to in the annotations.
     */
    public record Case(String description, List<Series> input, Duration at, List<Map<String, String>> firing, String value) {
        public Case {
            input = List.copyOf(input);
            firing = List.copyOf(firing);
        }

        public static Case fires(String description, Duration at, Series series, String value) {
            return new Case(description, List.of(series), at, List.of(series.labels()), value);
        }

        public static Case silent(String description, Duration at, Series... series) {
            return new Case(description, List.of(series), at, List.of(), "");
        }
    }
}
