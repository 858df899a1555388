package dev.telltale.jvm.http;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.http.HostCounts;
import dev.telltale.jvm.internal.http.ThrottlingDetector;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** The detectors of this package, for the application to create next to its HTTP clients. */
public final class HttpDetectors {
    private HttpDetectors() {
    }

    /**
     * {@code http.throttling}: hosts answering 429 or 503, from the {@code http.client.requests} meters of
     * {@code registry} and any recorders given.
     */
    public static Detector throttling(String target, MeterRegistry registry, ThrottlingRecorder... recorders) {
        Objects.requireNonNull(registry, "registry");
        return new ThrottlingDetector(Objects.requireNonNull(target, "target"), Optional.of(registry), hosts(recorders));
    }

    /** {@code http.throttling} from recorders only. */
    public static Detector throttling(String target, ThrottlingRecorder... recorders) {
        if (recorders.length == 0) {
            throw new IllegalArgumentException("http.throttling needs a MeterRegistry or at least one ThrottlingRecorder");
        }
        return new ThrottlingDetector(Objects.requireNonNull(target, "target"), Optional.empty(), hosts(recorders));
    }

    private static List<Supplier<Map<String, HostCounts>>> hosts(ThrottlingRecorder... recorders) {
        return Arrays.stream(recorders).map(r -> {
            Objects.requireNonNull(r, "recorder");
            Supplier<Map<String, HostCounts>> hosts = r::hosts;
            return hosts;
        }).toList();
    }
}
