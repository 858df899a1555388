package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.cache.StampedeDetector;
import dev.telltale.jvm.events.EventOrderingDetector;
import dev.telltale.jvm.http.ThrottlingDetector;
import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.keys.HotKeysDetector;
import dev.telltale.jvm.requests.IdempotencyTracker;
import dev.telltale.jvm.requests.DuplicateRequestsDetector;
import dev.telltale.jvm.resilience.CircuitBreakerDetector;
import dev.telltale.jvm.resilience.RetryStormDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import java.util.ArrayList;
import java.util.List;

/** Wires the detector modules packaged in telltale.jar. */
final class BuiltInKinds {
    private BuiltInKinds() {
    }

    static TargetKinds create() {
        return new TargetKinds(List.of(new PostgresKind(), new RedisKind()), inProcess());
    }

    /**
     * The in-process detectors run inside an application (see detectors-jvm); here on empty sources, so that
     * 'list', the alert rules and the catalogue test know them. They are never run by the command line.
     */
    private static List<Detector> inProcess() {
        List<Detector> all = new ArrayList<>(TelltaleJvm.builder().target("app").build().detectors());
        all.add(CircuitBreakerDetector.builder("app").registry(CircuitBreakerRegistry.ofDefaults()).build());
        all.add(RetryStormDetector.builder("app").retryRegistry(RetryRegistry.ofDefaults()).build());
        all.add(ThrottlingDetector.create("app", new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        all.add(StampedeDetector.create("app"));
        all.add(HotKeysDetector.of("app", HotKeys.builder("example").build()));
        all.add(DuplicateRequestsDetector.of("app", IdempotencyTracker.forRequests("example").build()));
        all.add(EventOrderingDetector.of("app", EventOrderTracker.builder("example").build()));
        return all;
    }
}
