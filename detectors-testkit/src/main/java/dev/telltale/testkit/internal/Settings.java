package dev.telltale.testkit.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the testkit reads its knobs: JUnit configuration parameters (which fall back to system
 * properties, so {@code -Dtelltale.test...} works) and the environment. Configuration parameters win
 * over the environment so a test can simulate a machine without touching the process environment.
 */
public record Settings(Function<String, Optional<String>> parameters, Function<String, Optional<String>> environment) {

    public static final String CI_PARAMETER = "telltale.test.ci";
    public static final String DOCKER_PARAMETER = "telltale.test.docker";

    public static Settings of(Function<String, Optional<String>> parameters) {
        return new Settings(parameters, name -> Optional.ofNullable(System.getenv(name)));
    }

    public Optional<String> parameter(String key) {
        return parameters.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    public Optional<String> env(String name) {
        return environment.apply(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** CI=true (the convention of most CI systems) turns a missing backend from a skip into a failure. */
    public boolean ci() {
        return parameter(CI_PARAMETER).or(() -> env("CI")).map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    public boolean dockerAllowed() {
        return parameter(DOCKER_PARAMETER).map(v -> !v.equalsIgnoreCase("false")).orElse(true);
    }

    /** A setting given either as parameter {@code key} or env var {@code envName}; remembers which. */
    public Optional<Setting> setting(String key, String envName) {
        return parameter(key).map(v -> new Setting(key, v)).or(() -> env(envName).map(v -> new Setting(envName, v)));
    }

    /** Ordered backend sources from {@code key}: "auto" (the default) or a comma list of {@code known}. */
    public List<String> sources(String key, List<String> known) {
        String raw = parameter(key).orElse("auto").toLowerCase(Locale.ROOT);
        if (raw.equals("auto")) {
            return known;
        }
        List<String> chosen = Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String source : chosen) {
            if (!known.contains(source)) {
                throw new IllegalArgumentException(key + " must be auto or a comma list of " + known + " but was '" + raw + "'");
            }
        }
        return chosen;
    }

    /** A value together with the name it was read from, so messages can say where a bad value came from. */
    public record Setting(String name, String value) {
    }
}
