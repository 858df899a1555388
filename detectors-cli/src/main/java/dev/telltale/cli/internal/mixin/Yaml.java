package dev.telltale.cli.internal.mixin;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The few YAML spellings the generated files need; written by hand so the files stay stable and diffable. */
final class Yaml {
    private Yaml() {
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A Prometheus duration: {@code 90s}, {@code 15m}, {@code 1h}. */
    static String duration(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** A series in PromQL's notation, {@code name{a="b", c="d"}}. */
    static String series(String name, Map<String, String> labels) {
        return name + labels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A flow mapping, {@code {a: "b", c: "d"}}. */
    static String map(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + ": " + quote(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
