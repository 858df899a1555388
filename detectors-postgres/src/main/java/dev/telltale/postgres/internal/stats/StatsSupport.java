package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Setting;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Small pieces the stats detectors share. */
final class StatsSupport {
    private static final SqlFile<Long> DATABASE_OID = SqlFile.load(StatsSupport.class, "database-oid", Long.class);

    private StatsSupport() {
    }

    /** The oid of the watched database: the setting names one, 'all' is 0, 'current' is the target's own. */
    static long watchedDatabase(String detectorId, Setting<String> setting, DetectionContext ctx, ReadOnlyTx tx) {
        String db = ctx.setting(setting).trim();
        if (db.equalsIgnoreCase("all")) {
            return 0;
        }
        if (db.isEmpty()) {
            throw new IllegalArgumentException(detectorId + "." + setting.name() + ": '' is not a database; give 'current', 'all' or a name");
        }
        String name = db.equalsIgnoreCase("current") ? tx.server().database() : db;
        return tx.first(DATABASE_OID, Map.of("name", name))
                .orElseThrow(() -> new IllegalArgumentException(detectorId + "." + setting.name() + ": database '" + name
                        + "' does not exist; give a database name, 'all', or 'current' for the target's own"));
    }

    /** Publishes {@code values} (already sorted, best first) as ranks 1..top, padding with zeros so old ranks clear. */
    static void ranked(Detection.Builder out, SignalSpec spec, List<Double> values, long top) {
        for (int i = 0; i < top; i++) {
            out.signal(spec, i < values.size() ? values.get(i) : 0, Integer.toString(i + 1));
        }
    }

    static String mb(double bytes) {
        return String.format("%.1f MB", bytes / (1024 * 1024));
    }

    static String ago(double seconds) {
        if (seconds < 0 || Double.isNaN(seconds)) {
            return "never";
        }
        Duration d = Duration.ofSeconds((long) seconds);
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h ago";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min ago";
    }
}
