package dev.telltale.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which targets the cross-endpoint detectors compare. Targets are independent: each gets its own detectors,
 * and a topology detector only sees the members of one group. Declared groups come from {@code --cluster} and
 * {@code clusters:}; every other target of a kind joins that kind's automatic group, whose detectors compare
 * only endpoints of one lineage (PostgreSQL: one system identifier; Redis: linked by replication or cluster).
 */
public final class TargetGroups {
    private TargetGroups() {
    }

    /**
     * A group as a person declared it.
     *
     * @param origin where, for messages: {@code --cluster} or {@code telltale.yaml: clusters.orders}
     */
    public record Declared(String origin, String name, List<String> members) {
    }

    /** Parses {@code --cluster NAME=target1,target2}. */
    public static Declared parseFlag(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new CliException("--cluster '" + text + "': expected NAME=TARGET,TARGET such as orders=pg-a,pg-b");
        }
        List<String> members = new ArrayList<>();
        for (String m : text.substring(eq + 1).split(",")) {
            members.add(m.trim());
        }
        return new Declared("--cluster", text.substring(0, eq).trim(), members);
    }

    /**
     * The declared groups (later ones replace earlier ones of the same name, so a flag wins over the file),
     * then one automatic group per kind of the targets no declared group holds, when there are two or more.
     *
     * @throws CliException naming the flag or key, the group and the unknown or misplaced target
     */
    public static List<TargetGroup> resolve(List<TargetSpec> targets, List<Declared> declared) {
        Map<String, Declared> byName = new LinkedHashMap<>();
        declared.forEach(d -> byName.put(d.name(), d));
        List<TargetGroup> out = new ArrayList<>();
        Map<String, String> groupOf = new LinkedHashMap<>();
        for (Declared d : byName.values()) {
            TargetName.explicit(d.name(), d.origin(), d.name() + "=" + String.join(",", d.members()));
            List<TargetSpec> members = members(d, targets);
            for (TargetSpec m : members) {
                String key = m.kind() + "/" + m.name();
                String before = groupOf.put(key, d.name());
                if (before != null && !before.equals(d.name())) {
                    throw new CliException(d.origin() + " " + d.name() + ": target '" + m.name()
                            + "' is already in group '" + before + "'; a target belongs to one group");
                }
            }
            out.add(new TargetGroup(d.name(), true, members));
        }
        Map<String, List<TargetSpec>> rest = new LinkedHashMap<>();
        for (TargetSpec t : targets) {
            if (!groupOf.containsKey(t.kind() + "/" + t.name())) {
                rest.computeIfAbsent(t.kind(), k -> new ArrayList<>()).add(t);
            }
        }
        rest.forEach((kind, members) -> {
            if (members.size() > 1) {
                out.add(new TargetGroup("*" + kind, false, members));
            }
        });
        return out;
    }

    /** The groups of {@code kind} with only the given targets left in them, keeping those of two or more. */
    public static List<TargetGroup> within(List<TargetGroup> groups, String kind, Set<String> names) {
        List<TargetGroup> out = new ArrayList<>();
        for (TargetGroup g : groups) {
            List<TargetSpec> left = g.members().stream()
                    .filter(m -> m.kind().equals(kind) && names.contains(m.name())).toList();
            if (left.size() > 1) {
                out.add(new TargetGroup(g.name(), g.declared(), left));
            }
        }
        return out;
    }

    /** The members of a declared group: all of one kind, two or more, each named once. */
    private static List<TargetSpec> members(Declared d, List<TargetSpec> targets) {
        String where = d.origin() + " " + d.name();
        Set<String> names = new LinkedHashSet<>(d.members());
        if (names.size() != d.members().size()) {
            throw new CliException(where + ": a target is named twice in " + String.join(",", d.members()));
        }
        if (names.size() < 2 || names.contains("")) {
            throw new CliException(where + ": a group needs two or more target names, such as "
                    + d.name() + "=pg-a,pg-b; got '" + String.join(",", d.members()) + "'");
        }
        String known = targets.stream().map(TargetSpec::name).distinct().collect(Collectors.joining(", "));
        for (String n : names) {
            if (targets.stream().noneMatch(t -> t.name().equals(n))) {
                throw new CliException(where + ": no target named '" + n + "'; targets: " + known);
            }
        }
        Set<String> kinds = targets.stream().map(TargetSpec::kind)
                .filter(k -> names.stream().allMatch(n -> find(targets, k, n).isPresent()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (kinds.isEmpty()) {
            throw new CliException(where + ": its targets are of different kinds; a group holds targets of one kind");
        }
        if (kinds.size() > 1) {
            throw new CliException(where + ": its target names are taken by " + String.join(" and ", kinds)
                    + " targets alike; name them apart");
        }
        String kind = kinds.iterator().next();
        return names.stream().map(n -> find(targets, kind, n).orElseThrow()).toList();
    }

    private static Optional<TargetSpec> find(List<TargetSpec> targets, String kind, String name) {
        return targets.stream().filter(t -> t.kind().equals(kind) && t.name().equals(name)).findFirst();
    }
}
