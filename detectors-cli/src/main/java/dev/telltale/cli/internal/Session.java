package dev.telltale.cli.internal;

import dev.telltale.core.AlertListener;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Progress;
import dev.telltale.core.SettingException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The targets of one command, probed, with an engine over their detectors. Targets are independent: one that
 * is down is reported as such and the others are checked. Closing it closes the engine and the connections.
 */
public final class Session implements AutoCloseable {
    private static final Placeholders PLACEHOLDERS = Placeholders.fromEnvironment();
    private final List<TargetSpec> targets;
    private final TargetStates states;
    private final DetectorEngine engine;
    private final List<AutoCloseable> resources;

    private Session(List<TargetSpec> targets, TargetStates states, DetectorEngine engine, List<AutoCloseable> resources) {
        this.targets = targets;
        this.states = states;
        this.engine = engine;
        this.resources = resources;
    }

    /**
     * What a command was given: the values of each kind's flag, by kind name, {@code --cluster} groups, a config
     * file, {@code --set} overrides.
     */
    public record Request(Map<String, List<String>> targetsByKind, List<String> clusters, Optional<Path> config,
                          Map<String, String> set, Disclosure disclosure) {
    }

    /** How a command treats a target that is down. */
    public enum Mode {
        /** A one-shot report: its detectors are left out, and it is reported as down. */
        CHECK,
        /** The agent: its detectors are built anyway and fail until it answers; it is probed again with backoff. */
        AGENT
    }

    public static Session open(TargetKinds kinds, Request request, Mode mode, List<AlertListener> listeners,
                               Progress progress) {
        return open(kinds, request, mode, listeners, progress, DetectorEngine.DEFAULT_WORKERS);
    }

    /** @param workers threads that run the scheduled detections ({@code DetectorEngine.Builder.workers}) */
    public static Session open(TargetKinds kinds, Request request, Mode mode, List<AlertListener> listeners,
                               Progress progress, int workers) {
        ConfigFile.Config config = request.config()
                .map(p -> ConfigFile.read(p, kinds.all()))
                .orElse(ConfigFile.Config.EMPTY);
        String configName = request.config().map(p -> p.getFileName().toString()).orElse("telltale.yaml");
        List<TargetSpec> targets = new ArrayList<>(config.targets());
        request.targetsByKind().forEach((name, urls) -> {
            TargetKind kind = kinds.byName(name).orElseThrow(() -> new IllegalArgumentException("no target kind " + name));
            // ${ENV_VAR} and ${file:/path} work in flags too, so a password need not be on the command line
            urls.forEach(u -> targets.add(TargetSpec.parse(kind, kind.flag(), PLACEHOLDERS.resolve(kind.flag(), u))));
        });
        if (targets.isEmpty()) {
            throw new CliException("no targets: give " + kinds.all().stream().map(k -> k.flag() + " URL")
                    .collect(Collectors.joining(" or ")) + ", or targets in --config telltale.yaml");
        }
        Map<String, TargetSpec> names = new LinkedHashMap<>();
        for (TargetSpec t : targets) {
            Redaction.remember(t.url());
            TargetSpec before = names.put(t.kind() + "/" + t.name(), t);
            if (before != null) {
                throw new CliException("two " + t.kind() + " targets are named '" + t.name()
                        + "'; name them with --" + t.kind() + " NAME=URL");
            }
        }
        List<TargetGroups.Declared> declared = new ArrayList<>();
        config.clusters().forEach((name, members) ->
                declared.add(new TargetGroups.Declared(configName + ": clusters." + name, name, members)));
        request.clusters().forEach(c -> declared.add(TargetGroups.parseFlag(c)));
        List<TargetGroup> groups = TargetGroups.resolve(targets, declared);
        // every setting is checked before any target is contacted
        SettingsCheck check = new SettingsCheck(kinds.specs(), targets.stream().map(TargetSpec::name).toList());
        check.validate(configName, config.settings());
        check.validate("--set", request.set());

        Map<String, List<TargetSpec>> byKind = new LinkedHashMap<>();
        targets.forEach(t -> byKind.computeIfAbsent(t.kind(), k -> new ArrayList<>()).add(t));
        if (!config.integrity().isEmpty()) {
            TargetKind runsThem = kinds.integrityKind().orElseThrow(() -> new CliException(
                    configName + " has integrity checks but no kind of target in this build of telltale runs them"));
            if (!byKind.containsKey(runsThem.name())) {
                throw new CliException(configName + " has integrity checks but no " + runsThem.name()
                        + " target to run them on");
            }
        }
        TargetStates states = TargetStates.probe(targets, kinds);
        if (mode == Mode.CHECK && states.down().size() == targets.size()) {
            // nothing to report on: the check could not run
            throw new CliException(states.down().size() == 1 ? states.down().get(0).down().orElseThrow()
                    : "no target answers: " + states.down().stream().map(st -> st.down().orElseThrow())
                    .collect(Collectors.joining("; ")));
        }
        List<Detector> detectors = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            for (Map.Entry<String, List<TargetSpec>> e : byKind.entrySet()) {
                TargetKind kind = kinds.byName(e.getKey()).orElseThrow();
                List<TargetSpec> open = e.getValue().stream()
                        .filter(t -> mode == Mode.AGENT || states.all().stream().anyMatch(st -> st.target().equals(t) && st.up()))
                        .toList();
                if (open.isEmpty()) {
                    continue;
                }
                // the integrity checks belong to the kind's first target: left out with it when it is down
                boolean integrity = kind.acceptsIntegrity() && open.get(0).equals(e.getValue().get(0));
                Set<String> openNames = open.stream().map(TargetSpec::name).collect(Collectors.toSet());
                TargetKind.Opened opened = kind.open(open, TargetGroups.within(groups, kind.name(), openNames),
                        integrity ? config.integrity() : Map.of(), request.disclosure());
                detectors.addAll(opened.detectors());
                resources.addAll(opened.resources());
            }
            Map<String, String> settings = new LinkedHashMap<>(config.settings());
            settings.putAll(request.set());
            DetectorEngine.Builder b = DetectorEngine.builder()
                    .detectors(detectors)
                    .progress(progress)
                    .workers(workers)
                    .settings(SettingsCheck.forDetectors(settings, detectors));
            listeners.forEach(b::listener);
            DetectorEngine engine;
            try {
                engine = b.build();
            } catch (SettingException ex) {
                throw new CliException(ex.getMessage(), ex);
            }
            if (mode == Mode.AGENT) {
                states.keepProbing(engine::lastRuns);
            }
            return new Session(List.copyOf(targets), states, engine, resources);
        } catch (RuntimeException ex) {
            closeAll(resources);
            throw ex;
        }
    }

    public List<TargetSpec> targets() {
        return targets;
    }

    /** Whether each target answers (in the agent, as of its latest probe). */
    public List<TargetStates.State> states() {
        return states.all();
    }

    public DetectorEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        states.close();
        engine.close();
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // closing on the way out: nothing useful to do with a failure here
            }
        }
    }
}
