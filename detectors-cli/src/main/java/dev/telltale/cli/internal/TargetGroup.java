package dev.telltale.cli.internal;

import java.util.List;

/**
 * Endpoints of one kind that belong together, so that the cross-endpoint (topology) detectors compare them:
 * a group declared with {@code --cluster NAME=a,b} or under {@code clusters:} in telltale.yaml, or the
 * automatic one of every other target of a kind, whose detectors compare only endpoints of one lineage.
 *
 * @param name     the declared name, or {@code *KIND} for the automatic group
 * @param declared whether a person declared it
 */
public record TargetGroup(String name, boolean declared, List<TargetSpec> members) {
    public TargetGroup {
        members = List.copyOf(members);
    }

    public List<String> names() {
        return members.stream().map(TargetSpec::name).toList();
    }
}
