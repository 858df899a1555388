package dev.telltale.cli.internal.demo;

import dev.telltale.core.Problem;

import java.time.Duration;
import java.util.Map;

/**
 * One problem the demo plays: a real workload that produces the symptom, the detector expected to see
 * it, and the settings the demo lowers so that it shows within seconds instead of minutes.
 *
 * @param title    what a person reads on the scoreboard
 * @param problem  the catalogue problem
 * @param detector the detector id expected to report it
 * @param settings relative setting names of that detector and their demo values; those it does not declare are ignored
 * @param play     starts the workload; closing the result stops it and undoes it
 */
public record Scenario(String title, Problem problem, String detector, Map<String, String> settings, Duration timeout,
                Workload play) {

    /** Starts a workload. */
    @FunctionalInterface
    public interface Workload {
        AutoCloseable start(DemoEnv env) throws Exception;
    }
}
