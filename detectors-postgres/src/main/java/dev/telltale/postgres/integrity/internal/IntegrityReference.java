package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Severity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parts of {@code detectors-postgres/INTEGRITY.md} made from the {@link KindSpec} tables: the table of kinds
 * and the reference of every setting. Each part sits between a {@code BEGIN GENERATED <part>} and an
 * {@code END GENERATED <part>} comment; the rest of the file is written by hand. The build runs
 * {@link #main} to rewrite the parts, and a test fails when the committed file differs.
 */
public final class IntegrityReference {
    /** How to bring the committed file up to date (the build does it when it compiles this module). */
    public static final String REGENERATE = "mvn -B -q -o -pl detectors-postgres -am process-classes";

    private IntegrityReference() {
    }

    /** The generated parts by name. */
    public static Map<String, String> parts() {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("kinds", kinds());
        parts.put("settings", settings());
        return parts;
    }

    /** {@code document} with every generated part replaced by its text from the tables. */
    public static String regenerate(String document) {
        String out = document;
        for (Map.Entry<String, String> p : parts().entrySet()) {
            String begin = "<!-- BEGIN GENERATED " + p.getKey();
            String end = "<!-- END GENERATED " + p.getKey() + " -->";
            int b = out.indexOf(begin);
            int e = out.indexOf(end);
            if (b < 0 || e < b) {
                throw new IllegalArgumentException("no '" + begin + " ... -->' followed by '" + end + "' in the document");
            }
            int afterBegin = out.indexOf("-->", b) + 3;
            out = out.substring(0, afterBegin) + "\n" + p.getValue() + out.substring(e);
        }
        return out;
    }

    private static String kinds() {
        StringBuilder s = new StringBuilder("| detector id | finds | default problem, severity |\n|---|---|---|\n");
        for (KindSpec k : IntegrityKinds.ALL) {
            s.append("| [`").append(k.id()).append("`](#").append(anchor(k.id())).append(") | ").append(k.finds())
                    .append(" | `").append(k.problem().id()).append("`, ").append(word(k.severity()));
            k.criticalAbove().ifPresent(n -> s.append(", critical above ").append(n));
            s.append(" |\n");
        }
        return s.toString();
    }

    private static String settings() {
        StringBuilder s = new StringBuilder();
        s.append("### Settings every kind accepts\n\n");
        List<Field> common = CheckBuilder.COMMON.stream().map(CheckBuilder.CommonSetting::field).toList();
        table(s, common);
        for (KindSpec k : IntegrityKinds.ALL) {
            s.append("\n### `").append(k.id()).append("`\n\n");
            s.append(Character.toUpperCase(k.finds().charAt(0))).append(k.finds().substring(1))
                    .append(". Default problem `").append(k.problem().id())
                    .append("`, severity ").append(word(k.severity()));
            k.criticalAbove().ifPresent(n -> s.append(", `critical-above` ").append(n));
            k.chunkRows().ifPresent(n -> s.append(", `chunk-rows` ").append(n));
            s.append(". In YAML: `").append(k.name()).append(":` under `integrity:`. A finding's hint: ")
                    .append(k.hint()).append(".\n\n");
            table(s, k.fields());
            Map<List<Field>, List<String>> nested = new LinkedHashMap<>();
            for (Field f : k.fields()) {
                if (f.type() == FieldType.MAP) {
                    nested.computeIfAbsent(f.fields(), x -> new ArrayList<>()).add("`" + f.key() + "`");
                }
            }
            nested.forEach((fields, keys) -> {
                s.append("\n").append(String.join(" and ", keys)).append(" hold:\n\n");
                table(s, fields);
            });
            if (!k.refused().isEmpty()) {
                s.append("\nNot taken: ").append(k.refused().entrySet().stream()
                        .map(r -> "`" + r.getKey() + "` (" + r.getValue() + ")").collect(Collectors.joining(", ")))
                        .append(".\n");
            }
        }
        return s.toString();
    }

    private static void table(StringBuilder s, List<Field> fields) {
        s.append("| setting | value | required | default | |\n|---|---|---|---|---|\n");
        for (Field f : fields) {
            String required = f.required() ? "yes" : f.with().map(w -> "with `" + w + "`").orElse("no");
            s.append("| `").append(f.key()).append("` | ").append(f.type().expected()).append(" | ").append(required)
                    .append(" | ").append(f.defaultText()).append(" | ").append(cell(f.description())).append(" |\n");
        }
    }

    /** A table cell: a {@code |} in the text would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String word(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** The anchor GitHub gives a heading made of {@code `text`}. */
    private static String anchor(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    /** Rewrites the generated parts of the file {@code args[0]} (default {@code INTEGRITY.md}) when they differ. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "INTEGRITY.md");
        String now = Files.readString(file, StandardCharsets.UTF_8);
        String generated = regenerate(now);
        if (!generated.equals(now)) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
    }
}
