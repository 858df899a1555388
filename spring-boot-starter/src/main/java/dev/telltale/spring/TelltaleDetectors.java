package dev.telltale.spring;

import dev.telltale.core.Detector;

import java.util.List;

/**
 * Detectors a bean adds to the application's engine, besides the in-process ones: the starter contributes the
 * server-side PostgreSQL detectors and the Resilience4j ones this way, and an application can add its own.
 */
@FunctionalInterface
public interface TelltaleDetectors {
    List<Detector> detectors();
}
