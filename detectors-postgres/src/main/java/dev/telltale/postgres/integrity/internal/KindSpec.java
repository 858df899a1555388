package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One integrity kind, described once: its YAML name, what it finds, its default problem and severity, and
 * its settings. The builder of the kind takes its defaults from here, the YAML reader reads a check with
 * {@link #fields()} and {@link #reader()}, and the reference in {@code INTEGRITY.md} is generated from it.
 * All but the reader is data: {@code src/main/specs/.../<Kind>.kind.yaml}, generated at build into the
 * constant {@code <Kind>Kind.TABLE}, to which the kind's builder adds its reader.
 *
 * @param name         the YAML name, {@code duplicates}; the detector id is {@code integrity.<name>}
 * @param finds        what a violation is, one phrase for the reference
 * @param noun         one violation in a finding's summary ({@code duplicate}, {@code orphaned row})
 * @param hint         the finding's hint: the likely cause and the fix
 * @param problem      the default catalogue problem
 * @param severity     the default severity
 * @param criticalAbove the default {@code critical-above}, when the kind has one
 * @param chunkRows    the default {@code chunk-rows}, when the kind scans in ranges by default
 * @param fields       the kind's own settings (the common ones are {@link CheckBuilder#COMMON})
 * @param refused      common settings the kind does not take, with the reason the error gives
 * @param summary      the detector's summary in {@code telltale list}
 * @param alsoServes   problems other than {@code problem} the kind is commonly configured for (a check names its
 *                     own with {@code problem})
 * @param reader       builds a check of this kind from a map read against {@link #allFields()}
 */
public record KindSpec(String name, String finds, String noun, String hint, Problem problem, Severity severity,
                       OptionalLong criticalAbove, OptionalInt chunkRows, List<Field> fields, Map<String, String> refused,
                       String summary, Set<Problem> alsoServes, Reader reader) {
    /** Builds one check of the kind from its settings; the common settings are applied after. */
    @FunctionalInterface
    public interface Reader {
        CheckBuilder<?> read(CheckBuilder.Owner owner, ConfigMap settings);
    }

    public KindSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(finds, "finds");
        Objects.requireNonNull(noun, "noun");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(severity, "severity");
        fields = List.copyOf(fields);
        refused = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refused));
        Objects.requireNonNull(summary, "summary");
        alsoServes = Set.copyOf(alsoServes);
    }

    public static KindSpec of(String name, String finds, Problem problem, Severity severity) {
        return new KindSpec(name, finds, "violating row", "", problem, severity, OptionalLong.empty(), OptionalInt.empty(),
                List.of(), Map.of(), "", Set.of(), (o, s) -> {
                    throw new IllegalStateException(name + " has no reader");
                });
    }

    /** The detector id, {@code integrity.duplicates}. */
    public String id() {
        return "integrity." + name;
    }

    /** How a finding of the kind names one violation, and what it suggests. */
    public KindSpec finding(String noun, String hint) {
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, chunkRows, fields, refused,
                summary, alsoServes, reader);
    }

    public KindSpec fields(Field... fields) {
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, chunkRows, List.of(fields), refused,
                summary, alsoServes, reader);
    }

    public KindSpec criticalAbove(long count) {
        return new KindSpec(name, finds, noun, hint, problem, severity, OptionalLong.of(count), chunkRows, fields, refused,
                summary, alsoServes, reader);
    }

    public KindSpec chunkRows(int rows) {
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, OptionalInt.of(rows), fields, refused,
                summary, alsoServes, reader);
    }

    /** The kind refuses the common setting {@code key}; the error says {@code reason}. */
    public KindSpec refuses(String key, String reason) {
        Map<String, String> r = new LinkedHashMap<>(refused);
        r.put(key, reason);
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, chunkRows, fields, r,
                summary, alsoServes, reader);
    }

    /** What {@code telltale list} says of the kind's detector, and the problems it also serves. */
    public KindSpec describes(String summary, Problem... alsoServes) {
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, chunkRows, fields, refused, summary,
                Set.of(alsoServes), reader);
    }

    public KindSpec reads(Reader reader) {
        return new KindSpec(name, finds, noun, hint, problem, severity, criticalAbove, chunkRows, fields, refused,
                summary, alsoServes, reader);
    }

    /** The kind's settings, then the common ones it does not name itself. */
    public List<Field> allFields() {
        List<Field> all = new ArrayList<>(fields);
        for (CheckBuilder.CommonSetting c : CheckBuilder.COMMON) {
            if (own(c.field().key()).isEmpty()) {
                all.add(c.field());
            }
        }
        return List.copyOf(all);
    }

    /** The kind's own setting named {@code key}. */
    public Optional<Field> own(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).findFirst();
    }
}
