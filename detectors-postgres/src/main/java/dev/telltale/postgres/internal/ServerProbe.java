package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.DetectionSkippedException;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What one connection learned about the server when it was opened: version, role, privileges, recovery
 * state and the extensions installed in the connected database. Detectors branch on it and use the
 * {@code require...} helpers to turn a missing privilege, extension or version into a {@code skipped}
 * outcome whose reason says what to do.
 *
 * @param versionNum      {@code server_version_num}, for example 170005
 * @param version         {@code server_version}, for example "17.5"
 * @param inRecovery      {@code pg_is_in_recovery()} when the connection was opened (a standby)
 * @param role            {@code current_user}
 * @param database        {@code current_database()}
 * @param superuser       whether the role is a superuser
 * @param seesAllSessions whether the role sees other roles' sessions in full (superuser, or member of
 *                        {@code pg_read_all_stats}, which {@code pg_monitor} includes)
 * @param backendPid      the pid of our own backend, which every query excludes
 * @param extensions      extension name to installed version, in the connected database
 */
public record ServerProbe(int versionNum, String version, boolean inRecovery, String role, String database,
                          boolean superuser, boolean seesAllSessions, int backendPid, Map<String, String> extensions) {
    private static final Pattern SIMPLE_IDENT = Pattern.compile("[a-z_][a-z0-9_$]*");

    public ServerProbe {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(database, "database");
        extensions = java.util.Collections.unmodifiableMap(new TreeMap<>(extensions));
    }

    /** The major version: 13, 14, ... 17. */
    public int major() {
        return versionNum / 10000;
    }

    public boolean atLeast(int major) {
        return major() >= major;
    }

    public Optional<String> extensionVersion(String name) {
        return Optional.ofNullable(extensions.get(name));
    }

    /**
     * Skips the detection unless the role sees every session; without {@code pg_read_all_stats} other
     * roles' rows in {@code pg_stat_activity} have no state, query or wait columns, so counts would be wrong.
     */
    public void requireSeesAllSessions() {
        if (!seesAllSessions) {
            throw new DetectionSkippedException("role " + role + " cannot see other sessions' activity, so counts would be "
                    + "wrong; run: grant pg_monitor to " + quoteIdent(role) + ";");
        }
    }

    /** Ends the detection as not applicable on servers older than {@code major}: the view is not there to read. */
    public void requireVersion(int major, String feature) {
        if (!atLeast(major)) {
            throw new DetectionNotApplicableException(feature + " needs PostgreSQL " + major + " or later; this server runs " + version);
        }
    }

    /**
     * Skips the detection when an extension is not installed in the connected database.
     *
     * @param howTo extra advice, for example "add it to shared_preload_libraries and restart"; may be empty
     */
    public void requireExtension(String name, String howTo) {
        if (!extensions.containsKey(name)) {
            throw new DetectionSkippedException("extension " + name + " is not installed in database " + database
                    + "; run: create extension " + name + ";" + (howTo == null || howTo.isBlank() ? "" : " (" + howTo + ")"));
        }
    }

    /** A role or other identifier as it must be written in SQL. */
    public static String quoteIdent(String ident) {
        return SIMPLE_IDENT.matcher(ident).matches() ? ident : "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + (inRecovery ? " (standby)" : "") + ", role " + role + ", database " + database
                + (seesAllSessions ? "" : ", cannot see other sessions");
    }
}
