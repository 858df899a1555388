package dev.telltale.jvm.resilience;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.resilience.RetryStormDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@code resilience.retry-storm} detector ({@link ResilienceDetectors#retryStorms}) and hands out
 * {@link RetryRecorder}s for retry code that is not Resilience4j. A recorder asked for before or after
 * {@link #build()} is watched by the detectors this builder built or builds.
 */
public final class RetryStormsBuilder {
    private final String target;
    private final List<Retry> retries = new ArrayList<>();
    private final List<RetryRegistry> registries = new ArrayList<>();
    private final List<CircuitBreakerRegistry> breakers = new ArrayList<>();
    private final Map<String, RetryRecorder> recorders = new LinkedHashMap<>();
    private final List<RetryStormDetector> built = new ArrayList<>();

    RetryStormsBuilder(String target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Watches every retry of the registry, including those created later. */
    public RetryStormsBuilder retryRegistry(RetryRegistry registry) {
        registries.add(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    public RetryStormsBuilder retry(Retry retry) {
        retries.add(Objects.requireNonNull(retry, "retry"));
        return this;
    }

    /** Breakers whose name matches a retry's make its storm CRITICAL while they are open. */
    public RetryStormsBuilder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
        breakers.add(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    /**
     * A recorder for retry code that is not Resilience4j, watched like a Retry of that name. Returns the
     * same recorder for the same name.
     *
     * @throws IllegalArgumentException when a built detector already watches a retry of that name
     */
    public synchronized RetryRecorder recorder(String name) {
        Objects.requireNonNull(name, "name");
        RetryRecorder known = recorders.get(name);
        if (known != null) {
            return known;
        }
        RetryRecorder r = new RetryRecorder(name);
        built.forEach(d -> watch(d, r));
        recorders.put(name, r);
        return r;
    }

    public synchronized Detector build() {
        RetryStormDetector d = new RetryStormDetector(target, retries, registries, breakers);
        recorders.values().forEach(r -> watch(d, r));
        built.add(d);
        return d;
    }

    private static void watch(RetryStormDetector d, RetryRecorder r) {
        d.watch(r.name(), r.calls::sum, r.retries);
    }
}
