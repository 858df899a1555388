package dev.telltale.jvm.resilience;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.resilience.CircuitBreakerDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds the {@code resilience.circuit-breaker} detector ({@link ResilienceDetectors#circuitBreakers}). */
public final class CircuitBreakersBuilder {
    private final String target;
    private final List<CircuitBreaker> breakers = new ArrayList<>();
    private final List<CircuitBreakerRegistry> registries = new ArrayList<>();

    CircuitBreakersBuilder(String target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Watches every breaker of the registry, including those created later. */
    public CircuitBreakersBuilder registry(CircuitBreakerRegistry registry) {
        registries.add(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    public CircuitBreakersBuilder circuitBreaker(CircuitBreaker breaker) {
        breakers.add(Objects.requireNonNull(breaker, "breaker"));
        return this;
    }

    public Detector build() {
        return new CircuitBreakerDetector(target, breakers, registries);
    }
}
