package dev.telltale.jvm.resilience;

/** The detectors of this package, for the application to create next to its Resilience4j registries. */
public final class ResilienceDetectors {
    private ResilienceDetectors() {
    }

    /** {@code resilience.circuit-breaker}: breakers that flap, stay open, never open despite failures, or are open. */
    public static CircuitBreakersBuilder circuitBreakers(String target) {
        return new CircuitBreakersBuilder(target);
    }

    /** {@code resilience.retry-storm}: more retries in a run than the retry budget allows. */
    public static RetryStormsBuilder retryStorms(String target) {
        return new RetryStormsBuilder(target);
    }
}
