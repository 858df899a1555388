package dev.telltale.postgres.internal.replication;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postgres.replication}: on a primary, each standby's lag in bytes and time and its state; on a
 * standby, WAL received but not yet replayed and the replay delay (zero when nothing is pending, so an idle
 * primary is not lag); on both, replication slots that are inactive, retain too much WAL, or whose WAL is
 * about to be or already removed ({@code wal_status} unreserved / lost).
 */
public final class PostgresReplicationDetector extends PostgresDetector implements PostgresReplicationDetectorSpec {
    private static final SqlFile<Boolean> ROLE = SqlFile.load(PostgresReplicationDetector.class, "role", Boolean.class);
    private static final SqlFile<Standby> STANDBYS_SQL = SqlFile.load(PostgresReplicationDetector.class, "standbys", Standby.class);
    private static final SqlFile<Delay> DELAY = SqlFile.load(PostgresReplicationDetector.class, "standby-delay", Delay.class);
    /** A slot keeping at least this fraction of the retention floor (but less) is named in a note. */
    private static final double NOTE_FRACTION = 0.1;
    private static final SqlFile<Slot> SLOTS = SqlFile.load(PostgresReplicationDetector.class, "slots", Slot.class);

    private record Standby(String name, String client, String state, String sync, long sent, long replay, double lag) {
    }

    private record Delay(long pending, double seconds, boolean paused, String receiver) {
    }

    private record Slot(String name, String type, boolean active, String walStatus, long retained) {
    }

    private final Map<String, java.time.Instant> inactiveSince = new java.util.HashMap<>();

    public PostgresReplicationDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean aboutTheServer() {
        return true;
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        boolean standby = tx.one(ROLE, Map.of());
        Detection.Builder out = Detection.builder();
        if (standby) {
            standbySide(ctx, tx, out);
        } else {
            primarySide(ctx, tx, out);
        }
        slots(ctx, tx, out);
        return out.build();
    }

    private Optional<Severity> lagSeverity(DetectionContext ctx, double seconds, long bytes) {
        if (seconds >= ctx.setting(LAG_CRITICAL).toMillis() / 1000.0 || bytes >= ctx.setting(LAG_BYTES_CRITICAL)) {
            return Optional.of(Severity.CRITICAL);
        }
        if (seconds >= ctx.setting(LAG_WARNING).toMillis() / 1000.0 || bytes >= ctx.setting(LAG_BYTES_WARNING)) {
            return Optional.of(Severity.WARNING);
        }
        return Optional.empty();
    }

    private void primarySide(DetectionContext ctx, ReadOnlyTx tx, Detection.Builder out) {
        List<Standby> standbys = tx.sharedList(STANDBYS_SQL, Map.of(), this, ctx.settings().interval());
        out.signal(STANDBYS, standbys.size());
        for (Standby s : standbys) {
            // the walsender keeps its last replay_lag after the standby caught up; nothing pending means no lag
            double lag = s.replay > 0 ? s.lag : 0;
            out.signal(LAG_SECONDS, lag, s.name).signal(LAG_BYTES, Math.max(0, s.replay), s.name);
            Optional<Severity> sev = lagSeverity(ctx, lag, s.replay);
            if (!s.state.equals("streaming") && sev.isEmpty()) {
                sev = Optional.of(Severity.WARNING);
            }
            sev.ifPresent(severity -> out.finding(tx.aboutServer(ctx.finding(Problem.STALE_READ_AFTER_WRITE, severity, "standby " + s.name)
                    .summary(String.format("standby %s (%s) is %s: %.1f s and %d bytes of WAL behind in replay",
                            s.name, s.client, s.state, lag, s.replay))
                    .evidence("state", s.state).evidence("sync_state", s.sync).evidence("client", s.client)
                    .evidence("replay_lag_seconds", Math.round(lag * 100) / 100.0).evidence("replay_bytes", s.replay)
                    .evidence("sent_bytes", s.sent)
                    .hint("reads on this standby miss recent writes; look at its I/O, replay conflicts, "
                            + "a paused replay (pg_is_wal_replay_paused()) or a long query holding replay back")
                    .holdFor(ctx.setting(FOR)))));
        }
    }

    private void standbySide(DetectionContext ctx, ReadOnlyTx tx, Detection.Builder out) {
        Delay d = tx.one(DELAY, Map.of());
        out.signal(REPLAY_DELAY, d.seconds).signal(REPLAY_PENDING, d.pending);
        lagSeverity(ctx, d.seconds, d.pending).ifPresent(severity -> out.finding(tx.aboutServer(
                ctx.finding(Problem.STALE_READ_AFTER_WRITE, severity, "replay on this standby")
                        .summary(String.format("this standby replays %.1f s behind what it received (%d bytes pending)%s",
                                d.seconds, d.pending, d.paused ? "; replay is paused" : ""))
                        .evidence("replay_delay_seconds", Math.round(d.seconds * 100) / 100.0)
                        .evidence("pending_bytes", d.pending).evidence("replay_paused", d.paused)
                        .evidence("wal_receiver", d.receiver)
                        .hint(d.paused ? "replay was paused with pg_wal_replay_pause(); resume it with pg_wal_replay_resume()"
                                : "replay is slower than the primary's writes or blocked by a conflicting query "
                                + "(max_standby_streaming_delay)")
                        .holdFor(ctx.setting(FOR)))));
    }

    private void slots(DetectionContext ctx, ReadOnlyTx tx, Detection.Builder out) {
        List<Slot> slots = tx.sharedList(SLOTS, Map.of(), this, ctx.settings().interval());
        long maxRetained = 0;
        int inactive = 0;
        long retainedWarn = ctx.setting(SLOT_RETAINED);
        Duration inactiveFor = ctx.setting(SLOT_INACTIVE_FOR);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> underFloor = new java.util.ArrayList<>();
        for (Slot s : slots) {
            seen.add(s.name);
            maxRetained = Math.max(maxRetained, s.retained);
            if (s.active) {
                inactiveSince.remove(s.name);
            } else {
                inactive++;
                inactiveSince.putIfAbsent(s.name, ctx.now());
            }
            Duration idle = s.active ? Duration.ZERO : Duration.between(inactiveSince.get(s.name), ctx.now());
            Severity severity = null;
            String why = null;
            if (s.walStatus.equals("lost")) {
                severity = Severity.CRITICAL;
                why = "has lost WAL its consumer still needs: the consumer can never resume from it";
            } else if (s.walStatus.equals("unreserved")) {
                severity = Severity.CRITICAL;
                why = "keeps WAL beyond max_slot_wal_keep_size: it will be removed at the next checkpoint";
            } else if (s.retained >= retainedWarn) {
                severity = Severity.WARNING;
                why = "keeps " + s.retained / (1024 * 1024) + " MB of WAL on disk";
            } else if (!s.active && idle.compareTo(inactiveFor) >= 0) {
                severity = Severity.WARNING;
                why = "has had no consumer for " + idle.toSeconds() + " s while it holds WAL and the xmin horizon";
            }
            if (severity == null && s.retained >= retainedWarn * NOTE_FRACTION) {
                underFloor.add(s.name + " (" + s.retained / (1024 * 1024) + " MB)");
            }
            if (severity != null) {
                out.finding(tx.aboutServer(ctx.finding(Problem.STORAGE_BLOAT, severity, "replication slot " + s.name)
                        .summary("replication slot " + s.name + " (" + s.type + ", " + (s.active ? "active" : "inactive") + ") " + why)
                        .evidence("slot_type", s.type).evidence("active", s.active).evidence("wal_status", s.walStatus)
                        .evidence("retained_bytes", s.retained).evidence("inactive_seconds", idle.toSeconds())
                        .hint("reconnect its consumer, or drop it if nobody uses it: select pg_drop_replication_slot('"
                                + s.name + "');")));
            }
        }
        if (!underFloor.isEmpty()) {
            out.note("replication " + (underFloor.size() == 1 ? "slot " : "slots ") + String.join(", ", underFloor)
                    + " keep WAL on disk, less than the floor: " + Notes.setting(ID, SLOT_RETAINED, retainedWarn)
                    + " withholds the verdict (lower it to have them reported)");
        }
        inactiveSince.keySet().retainAll(seen);
        out.signal(SLOT_RETAINED_MAX, maxRetained).signal(SLOTS_INACTIVE, inactive);
    }
}
