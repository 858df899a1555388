package dev.telltale.specgen;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Java source of one integrity kind's table: {@code <dir>/Foo.kind.yaml} becomes the interface {@code FooKind}
 * holding {@code TABLE}, the kind's {@code KindSpec} without its reader (with the summary and problems of the
 * kind's detector, which {@code IntegrityDetector} reads). The builder of the kind adds the reader,
 * the one part that is code. Fields are listed in file order; a nested map's fields may be declared once under
 * {@code nested} and named by several map fields.
 */
record KindSource(String pkg, String kindClass, SpecMap kind) {
    private static final Set<String> TOP = Set.of("name", "finds", "problem", "summary", "also-serves", "severity",
            "noun", "hint", "critical-above", "chunk-rows", "nested", "fields", "refuses");
    private static final Set<String> FIELD = Set.of("key", "type", "required", "default", "with", "description",
            "fields");

    KindSource {
        kind.allowOnly(TOP);
    }

    String render() {
        StringBuilder out = SpecSource.header(kindClass.replaceFirst("Kind$", "") + ".kind.yaml", pkg);
        out.append("import dev.telltale.core.Problem;\nimport dev.telltale.core.Severity;\n\n")
                .append("/** What the integrity kind {@code ").append(kind.text("name"))
                .append("} finds, its defaults and its settings. */\n")
                .append("public interface ").append(kindClass).append(" {\n")
                .append("    KindSpec TABLE = KindSpec.of(").append(SpecSource.quote(kind.text("name"))).append(", ")
                .append(SpecSource.quote(kind.text("finds"))).append(", Problem.").append(kind.text("problem"))
                .append(", Severity.").append(kind.text("severity")).append(")\n")
                .append("            .finding(").append(SpecSource.quote(kind.text("noun"))).append(", ")
                .append(SpecSource.quote(kind.text("hint"))).append(")\n")
                .append("            .describes(").append(SpecSource.quote(kind.text("summary")));
        kind.texts("also-serves").forEach(p -> out.append(", Problem.").append(p));
        out.append(")\n");
        if (kind.has("critical-above")) {
            out.append("            .criticalAbove(").append(SpecSource.whole(kind, "critical-above")).append("L)\n");
        }
        if (kind.has("chunk-rows")) {
            out.append("            .chunkRows(").append(SpecSource.whole(kind, "chunk-rows")).append(")\n");
        }
        Map<String, List<SpecMap>> nested = kind.entries("nested", "fields").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().list("fields")));
        out.append("            .fields(").append(fields(kind.list("fields"), nested, "                    "))
                .append(")");
        kind.entries("refuses", "reason").forEach((key, reason) -> out.append("\n            .refuses(")
                .append(SpecSource.quote(key)).append(", ").append(SpecSource.quote(reason.text("reason"))).append(")"));
        return out.append(";\n}\n").toString();
    }

    private static String fields(List<SpecMap> fields, Map<String, List<SpecMap>> nested, String indent) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a kind or nested map without fields");
        }
        return fields.stream().map(f -> field(f, nested, indent)).collect(Collectors.joining(",\n" + indent));
    }

    private static String field(SpecMap f, Map<String, List<SpecMap>> nested, String indent) {
        f.allowOnly(FIELD);
        String key = SpecSource.quote(f.text("key"));
        String type = f.text("type");
        String description = SpecSource.quote(f.text("description"));
        StringBuilder b = new StringBuilder();
        if (type.equals("MAP")) {
            String name = f.text("fields");
            List<SpecMap> inner = nested.get(name);
            if (inner == null) {
                throw new IllegalArgumentException(f.where("fields") + " names '" + name + "', not one of "
                        + nested.keySet());
            }
            b.append("Field.map(").append(key).append(", ").append(description).append(",\n").append(indent)
                    .append("        ").append(fields(inner, nested, indent + "        ")).append(")");
        } else if (f.has("required") && flag(f, "required")) {
            b.append("Field.required(").append(key).append(", FieldType.").append(type).append(", ")
                    .append(description).append(")");
        } else {
            String defaultText = f.has("default") ? f.text("default") : "";
            b.append("Field.optional(").append(key).append(", FieldType.").append(type).append(", ")
                    .append(SpecSource.quote(defaultText)).append(", ").append(description).append(")");
        }
        if (f.has("with")) {
            b.append(".with(").append(SpecSource.quote(f.text("with"))).append(")");
        }
        return b.toString();
    }

    private static boolean flag(SpecMap s, String key) {
        return switch (s.text(key)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(s.where(key) + " must be true or false, not " + s.text(key));
        };
    }

}
