package dev.telltale.specgen;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecGeneratorTest {
    private static Map<String, Object> spec() {
        Map<String, Object> warning = new LinkedHashMap<>(Map.of("key", "warning", "type", "duration", "default", "30s",
                "description", "Wait that raises a \"warning\".", "above", "0s"));
        Map<String, Object> size = new LinkedHashMap<>(Map.of("key", "min-size", "type", "bytes", "default", "10 MiB",
                "description", "Smallest size judged."));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("WARNING", warning);
        settings.put("MIN_SIZE", size);
        settings.put("KeyScanner.KEYS", "shared");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("id", "postgres.example");
        spec.put("summary", "An example.");
        spec.put("problems", List.of("SLOW_QUERIES"));
        spec.put("interval", "5m");
        spec.put("settings", settings);
        spec.put("rules", List.of(Map.of("not-above", List.of("WARNING", "MIN_SIZE"))));
        spec.put("signals", Map.of("WAITING", Map.of("name", "postgres.example.waiting", "unit", "sessions",
                "description", "Sessions waiting.", "tags", List.of("database"))));
        return spec;
    }

    @Test
    void writesTypedConstantsAndTheSpec() {
        String source = SpecGenerator.generate("dev.x", "ExampleDetector", spec(), "ExampleDetector.yaml");

        assertThat(source).contains("package dev.x;", "public interface ExampleDetectorSpec {",
                "String ID = \"postgres.example\";",
                "Setting<Duration> WARNING = Setting.duration(\"warning\", Duration.ofSeconds(30), "
                        + "\"Wait that raises a \\\"warning\\\".\").above(Duration.ZERO);",
                "Setting<Long> MIN_SIZE = Setting.bytes(\"min-size\", 10485760L, \"Smallest size judged.\");",
                "SignalSpec WAITING = SignalSpec.of(\"postgres.example.waiting\", \"sessions\", \"Sessions waiting.\", "
                        + "\"database\");",
                ".problems(Problem.SLOW_QUERIES)", ".interval(Duration.ofMinutes(5))",
                ".settings(WARNING, MIN_SIZE, KeyScanner.KEYS)", ".rule(SettingRule.notAbove(WARNING, MIN_SIZE))",
                ".signals(WAITING)");
    }

    @Test
    void aBadValueNamesTheFileAndTheKey() {
        Map<String, Object> spec = spec();
        @SuppressWarnings("unchecked")
        Map<String, Object> warning = (Map<String, Object>) ((Map<String, Object>) spec.get("settings")).get("WARNING");
        warning.put("default", "30 seconds");

        assertThatThrownBy(() -> SpecGenerator.generate("dev.x", "ExampleDetector", spec, "ExampleDetector.yaml"))
                .hasMessage("ExampleDetector.yaml: 'ExampleDetector.yaml.settings.WARNING.default' must be a duration "
                        + "such as 250ms, 30s, 5m, 1h or 7d, not 30 seconds");
    }

    @Test
    void anUnknownKeyIsRefused() {
        Map<String, Object> spec = spec();
        spec.put("intervall", "5m");

        assertThatThrownBy(() -> SpecGenerator.generate("dev.x", "ExampleDetector", spec, "ExampleDetector.yaml"))
                .hasMessageStartingWith("ExampleDetector.yaml: 'ExampleDetector.yaml.intervall' is not a known key");
    }

    @Test
    void writesAnIntegrityKindsTable() {
        Map<String, Object> kind = new LinkedHashMap<>(Map.of("name", "pairs", "finds", "rows without their \"pair\"",
                "problem", "ORPHANED_RECORDS", "severity", "WARNING", "noun", "lone row",
                "hint", "Write both rows in one transaction", "critical-above", 1000,
                "nested", Map.of("side", List.of(Map.of("key", "table", "type", "TABLE", "required", true,
                        "description", "The side's table."))),
                "fields", List.of(Map.of("key", "table", "type", "TABLE", "required", true, "description", "The table."),
                        Map.of("key", "window", "type", "DURATION", "default", "any time", "with", "time-column",
                                "description", "Within this."),
                        Map.of("key", "a", "type", "MAP", "fields", "side", "description", "Side A.")),
                "refuses", Map.of("where", "pairs are whole tables")));
        kind.put("summary", "Rows whose pair is missing.");
        kind.put("also-serves", List.of("DATA_DRIFT"));

        String source = SpecGenerator.generateKind("dev.x", "PairsKind", kind, "Pairs.kind.yaml");

        assertThat(source).contains("package dev.x;", "public interface PairsKind {",
                "KindSpec TABLE = KindSpec.of(\"pairs\", \"rows without their \\\"pair\\\"\", Problem.ORPHANED_RECORDS, "
                        + "Severity.WARNING)",
                ".finding(\"lone row\", \"Write both rows in one transaction\")",
                ".describes(\"Rows whose pair is missing.\", Problem.DATA_DRIFT)", ".criticalAbove(1000L)",
                ".fields(Field.required(\"table\", FieldType.TABLE, \"The table.\"),",
                "Field.optional(\"window\", FieldType.DURATION, \"any time\", \"Within this.\").with(\"time-column\"),",
                "Field.map(\"a\", \"Side A.\",", "Field.required(\"table\", FieldType.TABLE, \"The side's table.\"))",
                ".refuses(\"where\", \"pairs are whole tables\");");
    }

    @Test
    void aKindsMapFieldMustNameItsNestedFields() {
        Map<String, Object> kind = Map.of("name", "pairs", "finds", "lone rows", "problem", "ORPHANED_RECORDS",
                "summary", "Lone rows.", "severity", "WARNING", "noun", "lone row", "hint", "Pair them",
                "fields", List.of(Map.of("key", "a", "type", "MAP", "fields", "side", "description", "Side A.")));

        assertThatThrownBy(() -> SpecGenerator.generateKind("dev.x", "PairsKind", kind, "Pairs.kind.yaml"))
                .hasMessage("Pairs.kind.yaml: 'Pairs.kind.yaml.fields.fields' names 'side', not one of []");
    }
}
