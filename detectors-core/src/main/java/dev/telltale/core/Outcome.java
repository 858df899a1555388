package dev.telltale.core;

import java.time.Duration;

/** How one run of a detector ended. Reports and the {@code outcome} tag of the runs timer show it. */
public sealed interface Outcome {

    /**
     * {@code ok}, {@code error}, {@code timeout}, {@code skipped} or {@code not-applicable}: the tag value; a one-shot
     * report also has {@code not-judged} ({@link NotJudged}).
     */
    String kind();

    /** Why it did not end ok; empty for ok. */
    String reason();

    Ok OK = new Ok();

    record Ok() implements Outcome {
        public String kind() {
            return "ok";
        }

        public String reason() {
            return "";
        }
    }

    record Failed(String reason, Throwable cause) implements Outcome {
        public String kind() {
            return "error";
        }
    }

    record TimedOut(Duration deadline) implements Outcome {
        public String kind() {
            return "timeout";
        }

        public String reason() {
            return "no result within " + dev.telltale.core.internal.Quantities.formatDuration(deadline);
        }
    }

    record Skipped(String reason) implements Outcome {
        public String kind() {
            return "skipped";
        }
    }

    /**
     * The detector's subject does not exist on this target by design (not a cluster node, a version without the
     * view): nothing to fix, so no alert counts it and no status changes for it.
     */
    record NotApplicable(String reason) implements Outcome {
        public String kind() {
            return "not-applicable";
        }
    }

    /**
     * A one-shot report with no window did not run a detector whose every verdict needs two samples
     * ({@link DetectorSpec.Delta}): it did not look, but nothing is wrong with it or the target, so no status changes
     * for it, not even with {@code --strict}. Only reports have it; scheduled runs always have a previous sample.
     */
    record NotJudged(String reason) implements Outcome {
        public String kind() {
            return "not-judged";
        }
    }

    /** True for the outcomes that mean the detector is blind to its problems: failed, timed out or skipped. */
    default boolean notLooking() {
        return this instanceof Failed || this instanceof TimedOut || this instanceof Skipped;
    }

    static Outcome failed(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new Failed(message, cause);
    }
}
