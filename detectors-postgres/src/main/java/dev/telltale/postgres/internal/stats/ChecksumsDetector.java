package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.ReadOnlyTx;

/**
 * {@code postgres.checksums}: new data-page checksum failures since the last run (critical: storage returned
 * corrupted bytes). A cluster without checksums gets one INFO finding, since corruption would go unseen.
 */
public final class ChecksumsDetector extends DatabaseDeltaDetector implements ChecksumsDetectorSpec {
    public ChecksumsDetector(PostgresTarget target) {
        super(target, SPEC, DATABASE);
    }

    @Override
    protected Detection judge(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now, String db) {
        Detection.Builder out = Detection.builder();
        if (tx.reportsServer()) {
            // a setting of the whole cluster: published by the server's first target only in a fleet
            out.signal(ENABLED, now.checksumsOn() ? 1 : 0);
        }
        // a setting of the whole cluster: one finding per server in a fleet
        if (!now.checksumsOn() && tx.reportsServer()) {
            out.finding(tx.aboutServer(ctx.finding(Problem.SILENT_DATA_CORRUPTION, Severity.INFO, "data checksums")
                    .summary("data checksums are off: a page corrupted by disk or memory would be read back without error")
                    .evidence("data_checksums", "off")
                    .hint("enable them with pg_checksums --enable on a stopped cluster (or initdb --data-checksums)")));
        }
        if (before == null || before.dbid() != now.dbid() || !before.statsReset().equals(now.statsReset())
                || now.checksumFailures() < before.checksumFailures()) {
            return out.signal(FAILURES, 0).build();
        }
        long failures = now.checksumFailures() - before.checksumFailures();
        out.signal(FAILURES, failures);
        if (failures > 0) {
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, Severity.CRITICAL, "checksum failures")
                    .summary(failures + " data page(s) failed checksum verification since the last run")
                    .evidence("failures", failures)
                    .evidence("last_failure", now.lastChecksumFailure().map(Object::toString).orElse(null))
                    .hint("storage or memory corrupts pages: check the server log for the relation, the disk and RAM, "
                            + "and restore the damaged relation from a backup"));
        }
        return out.build();
    }
}
