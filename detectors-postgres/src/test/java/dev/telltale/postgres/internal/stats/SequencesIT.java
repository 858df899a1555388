package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * postgres.sequences on sequences never called: one created near its end, ones restarted or set near their end
 * without a call since (pg_sequences shows neither their value nor the move), a cap on the sequences read, and
 * sequences the role may not read, which are counted and not judged as never called. A never-called sequence far
 * from its end stays silent.
 */
@ExtendWith(PostgresExtension.class)
class SequencesIT {

    @Test
    void neverCalledSequencesNearTheirEndAreJudgedFromWhatTheyHold(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create sequence late as smallint start 32700;
                create sequence restarted as smallint;
                alter sequence restarted restart with 32700;
                create sequence reset_seq as smallint;
                select setval('reset_seq', 32760, false);
                -- never called, far from its end: silent
                create sequence fresh as smallint;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("never-called", db.jdbcUrl())) {
            Detection r = Runs.detect(new SequencesDetector(target), Map.of());
            Finding late = find(r, "public.late").orElseThrow();
            assertThat(late.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
            assertThat(late.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(late.evidence()).containsEntry("called", false).containsEntry("restarted", false)
                    .containsEntry("next_value", "32700").containsEntry("calls_left", "68").containsEntry("limit", "32767");
            assertThat(late.summary()).contains("never called, starts at 32700");
            Finding restarted = find(r, "public.restarted").orElseThrow();
            assertThat(restarted.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(restarted.evidence()).containsEntry("restarted", true).containsEntry("next_value", "32700")
                    .containsEntry("calls_left", "68");
            assertThat(restarted.summary()).contains("not called since it was set to 32700");
            Finding reset = find(r, "public.reset_seq").orElseThrow();
            assertThat(reset.evidence()).containsEntry("restarted", true).containsEntry("calls_left", "8");
            assertThat(find(r, "public.fresh")).isEmpty();
            assertThat(r.findings()).hasSize(3);
            assertThat(r.notes()).isEmpty();
            assertThat(Runs.signal(r, "postgres.sequences.used.top", "1").orElseThrow()).isGreaterThan(0.99);

            // one read allowed: the smallest range left from the start value (late) is read, the others are judged from
            // their start value, which hides the moves
            Detection capped = Runs.detect(new SequencesDetector(target), Map.of("never-called.reads", "1"));
            assertThat(find(capped, "public.late")).isPresent();
            assertThat(find(capped, "public.restarted")).isEmpty();
            assertThat(find(capped, "public.reset_seq")).isEmpty();
            assertThat(capped.notes()).singleElement().asString().startsWith("3 never-called sequences were judged from their "
                    + "start value alone").contains("postgres.sequences.never-called.reads = 1");
        }
    }

    @Test
    void sequencesTheRoleMayNotReadAreCountedNotJudgedAsNeverCalled(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create sequence hidden as smallint;
                select setval('hidden', 32766);
                """);
        String role = "tt_seqs_" + ProcessHandle.current().pid();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("drop role if exists " + role);
            s.execute("create role " + role + " login password 'pw'");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("unreadable", "jdbc:postgresql://" + db.host() + ":" + db.port()
                + "/" + db.database() + "?user=" + role + "&password=pw")) {
            Detection r = Runs.detect(new SequencesDetector(target), Map.of());
            assertThat(r.findings()).isEmpty();
            assertThat(r.notes()).singleElement().asString().startsWith("1 sequence was not judged: the role may not read it");
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("drop role if exists " + role);
            }
        }
    }

    private static Optional<Finding> find(Detection r, String subject) {
        return r.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }
}
