package dev.telltale.cli.internal;

import dev.telltale.core.Outcome;
import dev.telltale.core.RunRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a target answers, for the agent's readiness and its {@code telltale_target_up} metric: the latest
 * probe's answer, or up when one of its detectors ran cleanly since that probe found it down (probes of a
 * target that is down back off to minutes; a run that succeeds says sooner that it is back).
 *
 * @param up          whether it answers
 * @param since       when that began to hold (the probe's change, or the clean run)
 * @param lastError   why it is down; empty when up
 * @param lastSuccess when a probe or a run last found it answering; empty if nothing has
 */
public record TargetHealth(TargetSpec target, boolean up, Instant since, Optional<String> lastError,
                           Optional<Instant> lastSuccess) {

    /** @param runs the engine's latest run of each detector */
    public static TargetHealth of(TargetStates.State state, List<RunRecord> runs) {
        Optional<Instant> lastOk = runs.stream()
                .filter(r -> r.outcome() instanceof Outcome.Ok && belongsTo(r, state.target()))
                .map(r -> r.startedAt().plus(r.duration()))
                .max(Instant::compareTo);
        Optional<Instant> lastSuccess = latest(state.answered(), lastOk);
        if (state.up()) {
            return new TargetHealth(state.target(), true, state.since(), Optional.empty(), lastSuccess);
        }
        Optional<Instant> okSinceDown = lastOk.filter(t -> t.isAfter(state.since()));
        if (okSinceDown.isPresent()) {
            return new TargetHealth(state.target(), true, okSinceDown.get(), Optional.empty(), lastSuccess);
        }
        return new TargetHealth(state.target(), false, state.since(), state.down().map(Redaction::message), lastSuccess);
    }

    public static List<TargetHealth> of(List<TargetStates.State> states, List<RunRecord> runs) {
        // each target's runs once, not every run for every target
        Map<String, List<RunRecord>> byTarget = new HashMap<>();
        runs.forEach(r -> byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r));
        return states.stream().map(s -> of(s, byTarget.getOrDefault(s.target().name(), List.of()))).toList();
    }

    /** A detector's ids start with its kind's name ({@code redis.memory}); target names are unique within a kind. */
    static boolean belongsTo(RunRecord run, TargetSpec target) {
        return run.target().equals(target.name()) && run.detector().startsWith(target.kind() + ".");
    }

    private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().isAfter(b.get()) ? a : b;
    }
}
