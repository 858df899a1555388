package dev.telltale.postgres.integrity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static dev.telltale.postgres.integrity.Runs.detect;
import static dev.telltale.postgres.integrity.Runs.only;
import static dev.telltale.postgres.integrity.Runs.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A primary and a logical replica, both private servers; the replica's table is then changed behind
 * replication's back (a direct write on the subscriber, which replication never undoes) and the chunked
 * comparison finds exactly the ranges that differ, while rows the application is still writing (younger
 * than the settle delay) are not taken for drift.
 */
@ExtendWith(PostgresExtension.class)
class ReplicaDriftIT {
    private static final String TABLE = "create table accounts(id bigint primary key, owner text not null, "
            + "balance numeric(12,2) not null, opened date not null, updated_at timestamptz not null default now())";

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aReplicaChangedBehindReplicationsBackDriftsInTheChangedRangesOnly(TestPostgres pg) throws Exception {
        try (PrivateServer primary = PrivateServer.start(pg, "wal_level=logical", "max_wal_senders=4", "max_replication_slots=4");
             PrivateServer replica = PrivateServer.start(pg)) {
            try (Connection c = DriverManager.getConnection(primary.jdbcUrl())) {
                sql(c, TABLE, "insert into accounts select g, 'owner' || g, g * 1.5, date '2020-01-01' + g, now() - interval '1 hour' "
                                + "from generate_series(1, 1000) g",
                        "create publication accounts_pub for table accounts");
            }
            try (Connection c = DriverManager.getConnection(replica.jdbcUrl())) {
                sql(c, TABLE, "create subscription accounts_sub connection '" + primary.conninfo() + "' publication accounts_pub");
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> count(replica.jdbcUrl(), "select count(*) from accounts") == 1000);
                try (PostgresTarget p = PostgresTarget.fromUrl("primary", primary.jdbcUrl());
                     PostgresTarget r = PostgresTarget.fromUrl("replica", replica.jdbcUrl())) {
                    IntegrityChecks checks = IntegrityChecks.on(p);
                    checks.replicaDrift("accounts", r).settle(Duration.ofMinutes(1), "updated_at").chunkRows(200).add();
                    checks.validate(Duration.ofSeconds(10));
                    Detector d = checks.detectors().get(0);
                    assertThat(d.id()).isEqualTo("integrity.replica-drift");
                    assertThat(d.target()).isEqualTo("primary");

                    Detection healthy = detect(d);
                    assertThat(healthy.findings()).isEmpty();

                    // the replica lags (its apply worker stopped) while the application keeps writing on the primary:
                    // changes in flight, younger than the settle delay, are not drift
                    try (Connection c = DriverManager.getConnection(replica.jdbcUrl())) {
                        sql(c, "alter subscription accounts_sub disable");
                    }
                    try (Connection c = DriverManager.getConnection(primary.jdbcUrl())) {
                        sql(c, "update accounts set balance = balance + 1, updated_at = now() where id between 300 and 320",
                                "insert into accounts values (1001, 'new', 0, date '2026-01-01', now())");
                    }
                    assertThat(count(replica.jdbcUrl(), "select count(*) from accounts")).isEqualTo(1000);
                    assertThat(detect(d).findings()).as("a lagging replica is not a drifted one").isEmpty();
                    // and someone fixes a balance by hand on the replica, and deletes a row there
                    try (Connection c = DriverManager.getConnection(replica.jdbcUrl())) {
                        sql(c, "update accounts set balance = 999999 where id = 777", "delete from accounts where id = 15");
                    }
                    Finding f = only(detect(d));
                    assertThat(f.problem()).isEqualTo(Problem.DATA_DRIFT);
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.subject()).isEqualTo("accounts on replica replica [accounts:replica]");
                    assertThat(f.evidence()).containsEntry("violations", 2L)
                            .containsEntry("first", "(start, 200] rows 200 vs 199; (600, 800] rows 200 vs 200")
                            .containsEntry("ranges compared", 6).containsEntry("passes completed", 3L)
                            .containsEntry("ranges skipped as unsettled", 0);
                }
            } finally {
                try (Connection c = DriverManager.getConnection(replica.jdbcUrl())) {
                    sql(c, "drop subscription if exists accounts_sub");
                }
            }
        }
    }
}
