package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code postgres.settings}: configuration changes that are not in effect, though whoever made them believes they
 * are. A setting that needs a restart (shared_buffers, max_connections, max_worker_processes, wal_level, ...) changed
 * and reloaded shows as {@code pending_restart} in pg_settings: the server keeps running with the old value. Most of
 * them are capacity: the memory, connections or workers provisioned are not used until a restart, and the restart that
 * applies them may be an unplanned one. An entry in error in the configuration files (an invalid value, an unknown
 * name, a syntax error) is not applied at all, and an error in a file makes the next start fail. The files
 * (pg_file_settings) are readable by superusers only: without them the pending settings are still reported from
 * pg_settings, and the run says what it could not look at.
 */
public final class SettingsDetector extends PostgresDetector implements SettingsDetectorSpec {
    private static final SqlFile<Readable> READABLE = SqlFile.load(SettingsDetector.class, "settings-readable", Readable.class);
    private static final SqlFile<Pending> PENDING_SETTINGS = SqlFile.load(SettingsDetector.class, "settings-pending", Pending.class);
    private static final SqlFile<FileEntry> FILES = SqlFile.load(SettingsDetector.class, "settings-files", FileEntry.class);
    /** Values never shown: connection strings, passwords, commands that may carry credentials. */
    private static final Pattern SENSITIVE = Pattern.compile("conninfo|password|passphrase|command|secret|token");

    private record Readable(boolean filesReadable) {
    }

    private record Pending(String name, String inForce, long total) {
    }

    private record FileEntry(Optional<String> name, Optional<String> setting, String sourcefile, int sourceline,
                             String error, boolean pending, long total) {
        String where() {
            return Path.of(sourcefile).getFileName() + ":" + sourceline;
        }

        String value() {
            return setting.map(v -> shown(name.orElse(""), v)).orElse("?");
        }
    }

    public SettingsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean aboutTheServer() {
        return true;
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long max = ctx.setting(MAX_LISTED);
        boolean filesReadable = tx.one(READABLE, Map.of()).filesReadable();
        List<Pending> pending = tx.list(PENDING_SETTINGS, Map.of("limit", max));
        List<FileEntry> entries = filesReadable ? tx.list(FILES, Map.of("limit", max)) : List.of();
        long pendingTotal = pending.isEmpty() ? 0 : pending.get(0).total();
        List<FileEntry> errors = entries.stream().filter(e -> !e.pending()).toList();
        long errorsTotal = errors.isEmpty() ? 0 : errors.get(0).total();
        Detection.Builder out = Detection.builder().signal(PENDING, pendingTotal);
        if (filesReadable) {
            out.signal(ERRORS, errorsTotal);
        } else {
            out.note("the configuration files were not read (pg_file_settings needs superuser): the values waiting for "
                    + "a restart and the entries in error were not looked at");
        }
        String coverage = filesReadable ? "pg_settings and the configuration files (pg_file_settings)"
                : "pg_settings only: pg_file_settings needs superuser, so the values waiting in the files are not shown";
        if (pendingTotal > 0) {
            Map<String, FileEntry> waiting = entries.stream().filter(FileEntry::pending).filter(e -> e.name().isPresent())
                    .collect(Collectors.toMap(e -> e.name().get(), Function.identity(), (a, b) -> a));
            var f = ctx.finding(Problem.OVER_PROVISIONING, Severity.WARNING, "settings pending restart")
                    .summary(String.format("%d setting%s changed in the configuration %s not in effect until the server "
                                    + "restarts: %s", pendingTotal, pendingTotal == 1 ? "" : "s",
                            pendingTotal == 1 ? "is" : "are",
                            listed(pending.stream().map(p -> p.name() + Optional.ofNullable(waiting.get(p.name()))
                                    .map(e -> " (" + shown(p.name(), p.inForce()) + " in force, " + e.value() + " configured)")
                                    .orElse(" (" + shown(p.name(), p.inForce()) + " in force)")).toList(), pendingTotal)))
                    .evidence("pending_restart", pendingTotal).evidence("coverage", coverage);
            for (Pending p : pending) {
                FileEntry e = waiting.get(p.name());
                f.evidence(p.name(), "in force " + shown(p.name(), p.inForce())
                        + (e == null ? "" : ", configured " + e.value() + " (" + e.where() + ")"));
            }
            out.finding(tx.aboutServer(f).hint("restart the server in a planned maintenance window to apply them (a switchover first "
                    + "where there are standbys), or put the old values back in the configuration and reload if the "
                    + "change was not meant: an unplanned restart would otherwise apply them untested"));
            listedNote(out, max, pending.size(), pendingTotal, "settings pending a restart");
        }
        if (errorsTotal > 0) {
            var f = ctx.finding(Problem.OVER_PROVISIONING, Severity.WARNING, "configuration file errors")
                    .summary(String.format("%d entr%s of the configuration files %s in error and not in effect: %s",
                            errorsTotal, errorsTotal == 1 ? "y" : "ies", errorsTotal == 1 ? "is" : "are",
                            listed(errors.stream().map(e -> e.name().map(n -> n + " = " + e.value()).orElse("a line")
                                    + " (" + e.where() + ": " + e.error() + ")").toList(), errorsTotal)))
                    .evidence("entries_in_error", errorsTotal).evidence("coverage", coverage);
            for (FileEntry e : errors) {
                f.evidence(e.where(), e.name().map(n -> n + " = " + e.value() + ": ").orElse("") + e.error());
            }
            out.finding(tx.aboutServer(f).hint("correct or remove each entry (pg_file_settings shows the file and line), then run select "
                    + "pg_reload_conf() and check that pg_file_settings has no error left: the server refuses to start "
                    + "with an invalid configuration, and an unknown name or a syntax error makes a reload apply "
                    + "nothing of the file"));
            listedNote(out, max, errors.size(), errorsTotal, "configuration entries in error");
        }
        return out.build();
    }

    /** Says which setting cut a finding's list (the finding itself says "and N more"). */
    private static void listedNote(Detection.Builder out, long max, long shown, long total, String what) {
        if (total > shown) {
            out.note(String.format("%,d %s named and %,d more counted: %s caps the list", shown, what, total - shown,
                    Notes.setting(ID, MAX_LISTED, max)));
        }
    }

    private static String listed(List<String> shown, long total) {
        String list = String.join(", ", shown);
        return total > shown.size() ? list + String.format(" and %,d more", total - shown.size()) : list;
    }

    /** A value as findings may show it: hidden for settings that may hold credentials. */
    private static String shown(String name, String value) {
        return SENSITIVE.matcher(name).find() ? "(value hidden)" : "'" + value + "'";
    }
}
