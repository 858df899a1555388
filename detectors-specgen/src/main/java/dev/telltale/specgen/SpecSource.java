package dev.telltale.specgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java source of one spec interface. Values are data (durations {@code 30s}, sizes {@code 10 MiB}, numbers,
 * text); a value written {@code java: <expression>} is a constant the code shares with the spec (a capacity
 * the detector also allocates) and is copied as it is. A setting several detectors take is declared in code
 * and listed as {@code Type.CONSTANT: shared}.
 */
final class SpecSource {
    private static final Set<String> TOP = Set.of("id", "summary", "problems", "interval", "timeout", "delta",
            "settings", "rules", "signals");
    private static final Set<String> DELTA = Set.of("judges", "partial");
    private static final Set<String> SETTING = Set.of("key", "type", "default", "description", "at-least", "above",
            "at-most", "shared");
    private static final Set<String> SIGNAL = Set.of("name", "unit", "description", "tags");
    private static final Map<String, String> RULES = Map.of("below", "below", "not-above", "notAbove");
    private static final Map<String, String> TYPES = Map.of("duration", "Duration", "bytes", "Long", "ratio", "Double",
            "count", "Long", "number", "Double", "flag", "Boolean", "text", "String");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB)?");
    private static final String JAVA = "java:";

    private final String pkg;
    private final String detectorClass;
    private final SpecMap spec;

    SpecSource(String pkg, String detectorClass, SpecMap spec) {
        this.pkg = pkg;
        this.detectorClass = detectorClass;
        this.spec = spec.allowOnly(TOP);
    }

    String render() {
        StringBuilder out = header(detectorClass + ".yaml", pkg);
        out.append("import dev.telltale.core.DetectorSpec;\nimport dev.telltale.core.Problem;\n")
                .append("import dev.telltale.core.Setting;\nimport dev.telltale.core.SettingRule;\n")
                .append("import dev.telltale.core.SignalSpec;\n\nimport java.time.Duration;\n\n")
                .append("/** The identity, settings and signals of {@link ").append(detectorClass).append("}. */\n")
                .append("@SuppressWarnings(\"unused\")\n")
                .append("public interface ").append(detectorClass).append("Spec {\n");
        out.append("    String ID = ").append(quote(spec.text("id"))).append(";\n\n");
        Map<String, SpecMap> settings = spec.entries("settings", "shared");
        List<String> settingNames = new ArrayList<>();
        settings.forEach((constant, s) -> {
            s.allowOnly(SETTING);
            if (s.has("shared")) {
                if (!s.text("shared").equals("shared")) {
                    throw new IllegalArgumentException(s.where("shared") + ": a setting declared in code is written "
                            + "'Type.CONSTANT: shared'");
                }
                settingNames.add(constant);
                return;
            }
            settingNames.add(constant);
            out.append("    ").append(setting(constant, s)).append("\n");
        });
        Map<String, SpecMap> signals = spec.entries("signals", "name");
        signals.forEach((constant, s) -> out.append("    ").append(signal(constant, s.allowOnly(SIGNAL))).append("\n"));
        out.append("\n    DetectorSpec SPEC = DetectorSpec.builder(ID)\n");
        out.append("            .summary(").append(quote(spec.text("summary"))).append(")\n");
        out.append("            .problems(").append(String.join(", ",
                spec.texts("problems").stream().map(p -> "Problem." + p).toList())).append(")\n");
        out.append("            .interval(").append(duration(spec, "interval")).append(")\n");
        if (spec.has("timeout")) {
            out.append("            .timeout(").append(duration(spec, "timeout")).append(")\n");
        }
        if (spec.has("delta")) {
            SpecMap delta = spec.map("delta").allowOnly(DELTA);
            boolean partial = delta.has("partial") && delta.flag("partial");
            out.append("            .").append(partial ? "partialDelta(" : "delta(").append(quote(delta.text("judges")))
                    .append(")\n");
        }
        if (!settingNames.isEmpty()) {
            out.append("            .settings(").append(String.join(", ", settingNames)).append(")\n");
        }
        for (SpecMap rule : spec.list("rules")) {
            rule.allowOnly(RULES.keySet());
            RULES.forEach((key, method) -> {
                if (rule.has(key)) {
                    List<String> pair = rule.texts(key);
                    if (pair.size() != 2) {
                        throw new IllegalArgumentException(rule.where(key) + " names two settings, lower first");
                    }
                    out.append("            .rule(SettingRule.").append(method).append("(").append(pair.get(0))
                            .append(", ").append(pair.get(1)).append("))\n");
                }
            });
        }
        if (!signals.isEmpty()) {
            out.append("            .signals(").append(String.join(", ", signals.keySet())).append(")\n");
        }
        out.append("            .build();\n}\n");
        return out.toString();
    }

    /** The first lines of a generated file: where it comes from, and its package. */
    static StringBuilder header(String file, String pkg) {
        StringBuilder out = new StringBuilder("// Generated from ").append(file)
                .append(" by dev.telltale.specgen.SpecGenerator: edit that file, not this one.\n");
        if (!pkg.isEmpty()) {
            out.append("package ").append(pkg).append(";\n\n");
        }
        return out;
    }

    private static String setting(String constant, SpecMap s) {
        String type = s.text("type");
        String javaType = TYPES.get(type);
        if (javaType == null) {
            throw new IllegalArgumentException(s.where("type") + " is '" + type + "', not one of " + TYPES.keySet());
        }
        StringBuilder b = new StringBuilder("Setting<").append(javaType).append("> ").append(constant)
                .append(" = Setting.").append(type).append("(").append(quote(s.text("key"))).append(", ")
                .append(value(s, "default", type)).append(", ").append(quote(s.text("description"))).append(")");
        for (String bound : List.of("at-least", "above", "at-most")) {
            if (s.has(bound)) {
                String method = switch (bound) {
                    case "at-least" -> "atLeast";
                    case "above" -> "above";
                    default -> "atMost";
                };
                b.append(".").append(method).append("(").append(value(s, bound, type)).append(")");
            }
        }
        return b.append(";").toString();
    }

    private static String signal(String constant, SpecMap s) {
        StringBuilder b = new StringBuilder("SignalSpec ").append(constant).append(" = SignalSpec.of(")
                .append(quote(s.text("name"))).append(", ").append(quote(s.text("unit"))).append(", ")
                .append(quote(s.text("description")));
        s.texts("tags").forEach(t -> b.append(", ").append(quote(t)));
        return b.append(");").toString();
    }

    private static String value(SpecMap s, String key, String type) {
        String text = s.text(key);
        if (text.startsWith(JAVA)) {
            return text.substring(JAVA.length()).strip();
        }
        return switch (type) {
            case "duration" -> duration(s, key);
            case "bytes" -> size(s, key) + "L";
            case "count" -> whole(s, key) + "L";
            case "ratio", "number" -> decimal(s, key);
            case "flag" -> switch (text) {
                case "true", "false" -> text;
                default -> throw new IllegalArgumentException(s.where(key) + " must be true or false, not " + text);
            };
            default -> quote(text);
        };
    }

    private static String duration(SpecMap s, String key) {
        String text = s.text(key);
        if (text.startsWith(JAVA)) {
            return text.substring(JAVA.length()).strip();
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(s.where(key) + " must be a duration such as 250ms, 30s, 5m, 1h or 7d, not "
                    + text);
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            return "Duration.ZERO";
        }
        String unit = switch (m.group(2)) {
            case "ms" -> "Millis";
            case "s" -> "Seconds";
            case "m" -> "Minutes";
            case "h" -> "Hours";
            default -> "Days";
        };
        return "Duration.of" + unit + "(" + n + ")";
    }

    private static long size(SpecMap s, String key) {
        Matcher m = SIZE.matcher(s.text(key));
        if (!m.matches()) {
            throw new IllegalArgumentException(s.where(key) + " must be a size such as 4096, 64 KiB, 10 MiB or 1 GiB, not "
                    + s.text(key));
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            default -> 1L << 30;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    }

    static long whole(SpecMap s, String key) {
        try {
            return Long.parseLong(s.text(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.where(key) + " must be a whole number, not " + s.text(key), e);
        }
    }

    private static String decimal(SpecMap s, String key) {
        try {
            return Double.toString(Double.parseDouble(s.text(key)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.where(key) + " must be a number, not " + s.text(key), e);
        }
    }

    static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
