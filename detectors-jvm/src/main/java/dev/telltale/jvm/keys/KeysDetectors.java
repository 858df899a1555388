package dev.telltale.jvm.keys;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.keys.ClientHotKeysDetector;
import dev.telltale.jvm.internal.keys.KeyWindow;

import java.util.Arrays;
import java.util.Objects;

/** The detectors of this package, for the application to create next to its {@link HotKeys}. */
public final class KeysDetectors {
    private KeysDetectors() {
    }

    /**
     * {@code keys.hot-keys}: each run closes the window of every source and reports keys touched far more
     * often than the mean key.
     */
    public static Detector hotKeys(String target, HotKeys... sources) {
        Objects.requireNonNull(sources, "sources");
        return new ClientHotKeysDetector(target, Arrays.stream(sources)
                .map(s -> new KeyWindow.Source(Objects.requireNonNull(s, "source").name(), s::drain)).toList());
    }
}
