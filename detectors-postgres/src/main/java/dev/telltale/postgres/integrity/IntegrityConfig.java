package dev.telltale.postgres.integrity;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.internal.ConfigMap;
import dev.telltale.postgres.integrity.internal.IntegrityKinds;
import dev.telltale.postgres.integrity.internal.KindSpec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Integrity checks from configuration already parsed into maps and lists (the {@code integrity:} section of
 * {@code telltale.yaml} as Jackson or SnakeYAML hand it over). Each kind's settings are read against the
 * kind's table of fields ({@code KindSpec}), the same table {@code detectors-postgres/INTEGRITY.md} documents.
 * Every error names the key path and the value:
 * {@code integrity.duplicates[0].window: '-1s' is negative; a duration must be 0 or more}.
 */
public final class IntegrityConfig {
    private IntegrityConfig() {
    }

    /**
     * Builds the checks of the {@code integrity:} section for {@code target}.
     *
     * @param section the value of {@code integrity:}: kind name to a list of check maps
     * @param targets finds another configured target by name (the replica of {@code replica-drift})
     * @throws IntegrityConfigException naming the key path and the bad value
     */
    public static IntegrityChecks fromMap(PostgresTarget target, Map<String, ?> section,
                                          Function<String, Optional<PostgresTarget>> targets) {
        IntegrityChecks checks = IntegrityChecks.on(target);
        if (section == null) {
            return checks;
        }
        for (Map.Entry<String, ?> e : section.entrySet()) {
            String path = "integrity." + e.getKey();
            KindSpec kind = IntegrityKinds.byName(e.getKey()).orElseThrow(() -> new IntegrityConfigException(
                    path + ": unknown check kind; known: "
                            + IntegrityKinds.ALL.stream().map(KindSpec::name).collect(Collectors.joining(", "))));
            if (!(e.getValue() instanceof List<?> list)) {
                throw new IntegrityConfigException(path + ": '" + e.getValue() + "' is not a list of checks");
            }
            for (int i = 0; i < list.size(); i++) {
                String at = path + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    throw new IntegrityConfigException(at + ": '" + list.get(i) + "' is not a map of settings");
                }
                ConfigMap settings = ConfigMap.read(at, m, kind.allFields(), targets);
                kind.reader().read(checks.owner(at), settings).apply(settings).add();
            }
        }
        return checks;
    }
}
