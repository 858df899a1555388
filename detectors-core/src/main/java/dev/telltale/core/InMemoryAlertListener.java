package dev.telltale.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps every transition in memory; for tests and small embedded uses. Thread-safe. */
public final class InMemoryAlertListener implements AlertListener {
    private final List<Alert> transitions = new ArrayList<>();
    private final Map<Finding.Key, Alert> firing = new LinkedHashMap<>();

    @Override
    public synchronized void onFiring(Alert alert) {
        transitions.add(alert);
        firing.put(alert.finding().key(), alert);
    }

    @Override
    public synchronized void onResolved(Alert alert) {
        transitions.add(alert);
        firing.remove(alert.finding().key());
    }

    /** Every transition heard, oldest first. */
    public synchronized List<Alert> transitions() {
        return List.copyOf(transitions);
    }

    /** The alerts firing now. */
    public synchronized List<Alert> firing() {
        return List.copyOf(firing.values());
    }

    public synchronized List<Alert> resolved() {
        return transitions.stream().filter(a -> a.state() == AlertState.RESOLVED).toList();
    }

    public synchronized void clear() {
        transitions.clear();
        firing.clear();
    }
}
