package dev.telltale.core.internal;

import dev.telltale.core.Alert;
import dev.telltale.core.AlertState;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PENDING -> FIRING -> RESOLVED state machine over the findings of successful runs. Time comes from
 * the caller, so tests drive it with any clock.
 */
public final class AlertTracker {

    /** A change worth telling: a finding became pending, fired (or changed severity while firing), or resolved. */
    public record Transition(Alert alert, Optional<AlertState> previousState, Optional<Severity> previousSeverity) {
    }

    private final Map<Finding.Key, Alert> active = new LinkedHashMap<>();

    /**
     * Applies the findings of one successful run of detector {@code detector} on {@code target}: the
     * ones seen start or continue; the active ones of that detector and target not seen resolve (firing)
     * or are forgotten (pending).
     */
    public synchronized List<Transition> update(String detector, String target, List<Finding> candidates, Instant now) {
        List<Transition> transitions = new ArrayList<>();
        Map<Finding.Key, Finding> seen = worstPerKey(candidates);
        for (Finding finding : seen.values()) {
            Alert previous = active.get(finding.key());
            Alert next = advance(previous, finding, now);
            active.put(finding.key(), next);
            if (previous == null || previous.state() != next.state()) {
                transitions.add(new Transition(next, Optional.ofNullable(previous).map(Alert::state),
                        Optional.ofNullable(previous).map(a -> a.finding().severity())));
            } else if (next.state() == AlertState.FIRING && previous.finding().severity() != finding.severity()) {
                transitions.add(new Transition(next, Optional.of(AlertState.FIRING), Optional.of(previous.finding().severity())));
            }
        }
        Iterator<Map.Entry<Finding.Key, Alert>> it = active.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Finding.Key, Alert> e = it.next();
            Finding.Key key = e.getKey();
            if (key.detector().equals(detector) && key.target().equals(target) && !seen.containsKey(key)) {
                it.remove();
                Alert gone = e.getValue();
                if (gone.state() == AlertState.FIRING) {
                    Alert resolved = new Alert(gone.finding(), AlertState.RESOLVED, gone.activeSince(), gone.firedAt(), Optional.of(now));
                    transitions.add(new Transition(resolved, Optional.of(AlertState.FIRING), Optional.of(gone.finding().severity())));
                }
            }
        }
        return transitions;
    }

    private static Alert advance(Alert previous, Finding finding, Instant now) {
        Instant since = previous == null ? now : previous.activeSince();
        if (previous != null && previous.state() == AlertState.FIRING) {
            return new Alert(finding, AlertState.FIRING, since, previous.firedAt(), Optional.empty());
        }
        boolean held = Duration.between(since, now).compareTo(finding.holdFor()) >= 0;
        return held
                ? new Alert(finding, AlertState.FIRING, since, Optional.of(now), Optional.empty())
                : new Alert(finding, AlertState.PENDING, since, Optional.empty(), Optional.empty());
    }

    private static Map<Finding.Key, Finding> worstPerKey(List<Finding> candidates) {
        Map<Finding.Key, Finding> worst = new LinkedHashMap<>();
        for (Finding f : candidates) {
            worst.merge(f.key(), f, (a, b) -> b.severity().compareTo(a.severity()) > 0 ? b : a);
        }
        return worst;
    }

    /** The pending and firing alerts. */
    public synchronized List<Alert> active() {
        return List.copyOf(active.values());
    }
}
