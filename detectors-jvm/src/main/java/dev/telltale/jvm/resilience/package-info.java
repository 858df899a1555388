/**
 * Retry storms and circuit-breaker failures, from what Resilience4j already publishes (its registries,
 * {@code Retry.Metrics} and event publishers); nothing here re-implements a retry or a breaker.
 *
 * <pre>{@code
 * Detector retries = ResilienceDetectors.retryStorms("checkout")
 *         .retryRegistry(retryRegistry).circuitBreakerRegistry(breakerRegistry).build();
 * Detector breakers = ResilienceDetectors.circuitBreakers("checkout").registry(breakerRegistry).build();
 * DetectorEngine engine = DetectorEngine.builder().detector(retries).detector(breakers).build();
 * }</pre>
 * Resilience4j is an optional dependency: the application brings its own (2.x).
 */
package dev.telltale.jvm.resilience;
