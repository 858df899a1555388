package dev.telltale.spring.internal.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingType;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.spring.TelltaleProperties;
import dev.telltale.spring.internal.SettingsBinding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Build step, not used at run time: adds every detector setting to the configuration metadata the annotation
 * processor wrote, as {@code telltale.detectors.<detector>.<setting>} with the spec's description, type and
 * default, so IDEs complete and explain the keys. The specs are the only source; nothing is written by hand.
 *
 * <p>Arguments: the metadata file to extend ({@code target/classes/META-INF/spring-configuration-metadata.json}).
 */
public final class SettingsMetadata {
    private SettingsMetadata() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ArrayNode properties = root.withArray("properties");
        // an incremental build may find the entries of the last run: they are replaced, not repeated
        for (int i = properties.size() - 1; i >= 0; i--) {
            if (properties.get(i).path("name").asText().startsWith(SettingsBinding.DETECTORS)) {
                properties.remove(i);
            }
        }
        for (DetectorSpec spec : specs()) {
            for (Setting<?> s : spec.allSettings()) {
                ObjectNode p = properties.addObject();
                p.put("name", SettingsBinding.DETECTORS + spec.id() + "." + s.name());
                p.put("type", typeOf(s.type()));
                p.put("description", description(spec, s));
                p.put("sourceType", TelltaleProperties.class.getName());
                p.put("defaultValue", s.defaultText());
            }
        }
        Files.writeString(file, json.writeValueAsString(root));
    }

    /** The in-process detectors and the PostgreSQL and Redis ones, the detectors the starter can run. */
    public static List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>(TelltaleJvm.specs());
        all.addAll(PostgresDetectors.specs());
        all.addAll(RedisDetectors.specs());
        return all;
    }

    private static String description(DetectorSpec spec, Setting<?> s) {
        String range = s.rangeText();
        return s.description() + (range.isEmpty() ? "" : " Range: " + range + ".") + " Detector " + spec.id() + ": "
                + spec.summary();
    }

    private static String typeOf(SettingType<?> type) {
        if (type == SettingType.BYTES) {
            return String.class.getName();
        }
        return type.javaType().getName();
    }
}
