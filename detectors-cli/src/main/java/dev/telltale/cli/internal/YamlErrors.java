package dev.telltale.cli.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML file into a tree, with errors in one line naming the file and the position: duplicate keys
 * are errors (a second {@code warning:} would silently win), a tab in an indentation is named as such, and
 * the parser's multi-line messages are cut to what went wrong (never the snippet of the file, which may hold
 * a secret).
 */
final class YamlErrors {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private YamlErrors() {
    }

    static JsonNode read(String source, String yaml) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String indent = lines[i].substring(0, lines[i].length() - lines[i].stripLeading().length());
            if (indent.indexOf('\t') >= 0 && !lines[i].isBlank()) {
                throw new CliException(source + ": line " + (i + 1) + ", column " + (indent.indexOf('\t') + 1)
                        + ": a tab indents this line; YAML indents with spaces");
            }
        }
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new CliException(source + ": not valid YAML" + where + ": " + reason(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            // the YAML parser's own exceptions for input it cannot read at all
            throw new CliException(source + ": not valid YAML: " + reason(e.getMessage()));
        }
    }

    /** The parser's message without its snippet, marker and position lines, in one line. */
    private static String reason(String message) {
        if (message == null) {
            return "cannot parse";
        }
        if (message.startsWith("Duplicate field '")) {
            return "duplicate key " + message.substring("Duplicate field ".length()).split("\n")[0];
        }
        List<String> parts = new ArrayList<>();
        for (String line : message.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || line.startsWith("    ") || t.matches("\\^+") || t.startsWith("in '") || t.startsWith("at [Source")) {
                continue;
            }
            parts.add(t);
        }
        return parts.isEmpty() ? "cannot parse" : String.join("; ", parts);
    }
}
