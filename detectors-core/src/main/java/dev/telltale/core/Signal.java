package dev.telltale.core;

import java.util.List;
import java.util.Objects;

/** One measured value of a declared {@link SignalSpec}, published as a gauge. */
public record Signal(SignalSpec spec, List<String> tagValues, double value) {
    public Signal {
        Objects.requireNonNull(spec, "spec");
        tagValues = List.copyOf(tagValues);
        if (tagValues.size() != spec.tagKeys().size()) {
            throw new IllegalArgumentException("signal '" + spec.name() + "' needs tag values for "
                    + spec.tagKeys() + " but got " + tagValues);
        }
    }
}
