package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.postgres.integrity.Runs.concurrently;
import static dev.telltale.postgres.integrity.Runs.detect;
import static dev.telltale.postgres.integrity.Runs.only;
import static dev.telltale.postgres.integrity.Runs.sql;
import static org.assertj.core.api.Assertions.assertThat;

/** Events applied out of order by concurrent consumers, a celebrity key, and a purge job that stopped. */
@ExtendWith(PostgresExtension.class)
class SequencesSkewRetentionIT {
    @RegisterExtension
    static final ClassTarget events = new ClassTarget("events");

    private static void apply(Connection c, String table, long account, int seq) throws Exception {
        try (PreparedStatement s = c.prepareStatement("insert into " + table + "(account_id, seq) values (?, ?)")) {
            s.setLong(1, account);
            s.setInt(2, seq);
            s.executeUpdate();
        }
    }

    @Test
    void twoConsumersApplyOneAccountsEventsOutOfOrderAndLoseOne(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect()) {
            sql(c, "create table applied_a(id bigserial primary key, account_id bigint not null, seq int not null)");
            for (int s = 1; s <= 4; s++) {
                apply(c, "applied_a", 2, s);          // another account, in order
            }
        }
        // events 1..6 of account 1, round-robin over two consumers with no per-account ordering: the consumer
        // holding event 3 is slow (it finishes after event 4 is applied) and event 5 fails and is dropped
        // latches pin the unlucky interleaving: 1, 2, 4, then the slow 3, then 6
        CountDownLatch[] applied = new CountDownLatch[7];
        for (int i = 0; i < applied.length; i++) {
            applied[i] = new CountDownLatch(1);
        }
        AtomicInteger worker = new AtomicInteger();
        concurrently(2, () -> {
            boolean odd = worker.getAndIncrement() == 0;
            try (Connection c = pg.connect()) {
                for (int seq = odd ? 1 : 2; seq <= 6; seq += 2) {
                    int waitFor = switch (seq) {
                        case 2 -> 1;
                        case 3 -> 4;   // the slow handler
                        case 6 -> 3;
                        default -> 0;
                    };
                    if (waitFor > 0) {
                        applied[waitFor].await(60, TimeUnit.SECONDS);
                    }
                    if (seq == 5) {
                        continue;   // its handler threw and the message was acknowledged anyway: lost
                    }
                    apply(c, "applied_a", 1, seq);
                    applied[seq].countDown();
                }
            }
            return null;
        });
        Detector d = IntegrityChecks.on(events.get()).sequenceGaps("applied_a").entity("account_id").sequence("seq").build();
        Finding f = only(detect(d));
        assertThat(f.problem()).isEqualTo(Problem.MESSAGE_OUT_OF_ORDER);
        assertThat(f.severity()).as("a regression is critical").isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("applied_a.seq per account_id [applied_a.seq]");
        assertThat(f.evidence()).containsEntry("critical", 1L);
        assertThat((String) f.evidence().get("first")).isEqualTo("1: 3 after 4 (regression); 1: 4 after 2 (gap); 1: 6 after 3 (gap)");
        assertThat(f.evidence()).containsEntry("violations", 3L);
    }

    @Test
    void oneConsumerPerAccountAppliesInOrder(TestPostgres pg) throws Exception {
        pg.execute("create table applied_b(id bigserial primary key, account_id bigint not null, seq int not null)");
        AtomicInteger account = new AtomicInteger();
        concurrently(3, () -> {
            long me = account.incrementAndGet();    // partitioned by account: each account has one consumer
            try (Connection c = pg.connect()) {
                for (int seq = 1; seq <= 20; seq++) {
                    apply(c, "applied_b", me, seq);
                }
            }
            return null;
        });
        assertThat(detect(IntegrityChecks.on(events.get()).sequenceGaps("applied_b").entity("account_id").sequence("seq")
                .chunkRows(100).build()).findings()).isEmpty();
    }

    @Test
    void aCelebrityKeyTakesMostOfTheRecentRows(TestPostgres pg) throws Exception {
        pg.execute("create table posts_k(id bigserial primary key, author text not null, created_at timestamptz not null)",
                "insert into posts_k(author, created_at) select 'user' || (g % 19), now() - interval '10 minutes' from generate_series(1, 1900) g",
                // a month ago another author was hot: outside the window
                "insert into posts_k(author, created_at) select 'old-star', now() - interval '30 days' from generate_series(1, 9000) g");
        concurrently(4, () -> {
            pg.execute("insert into posts_k(author, created_at) select 'celebrity', now() from generate_series(1, 1250)");
            return null;
        });
        Detector d = IntegrityChecks.on(events.get()).keySkew("posts_k", "author").window(Duration.ofHours(1), "created_at").build();
        Finding f = only(detect(d));
        assertThat(f.problem()).isEqualTo(Problem.HOT_PARTITION);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.subject()).isEqualTo("posts_k.author over 1h [posts_k.author]");
        assertThat(f.evidence()).containsEntry("violations", 1L).containsEntry("first", "celebrity: 5000 rows, 14.5 x the mean");

        assertThat(detect(IntegrityChecks.on(events.get()).keySkew("posts_k", "author").window(Duration.ofHours(1), "created_at")
                .where("author <> 'celebrity'").build()).findings()).isEmpty();
    }

    @Test
    void aStoppedPurgeJobLeavesRowsPastRetention(TestPostgres pg) throws Exception {
        pg.execute("create table sessions_r(id bigserial primary key, user_id int, last_seen timestamptz not null)",
                "insert into sessions_r(user_id, last_seen) select g, now() - g * interval '1 day' from generate_series(1, 60) g");
        Detector d = IntegrityChecks.on(events.get()).retentionBacklog("sessions_r").olderThan(Duration.ofDays(30), "last_seen").build();
        Finding f = only(detect(d));
        assertThat(f.detector()).isEqualTo("integrity.retention-backlog");
        assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
        assertThat(f.evidence()).containsEntry("violations", 31L);   // 30 to 60 days old

        try (Connection c = pg.connect()) {   // the purge job runs again
            sql(c, "delete from sessions_r where last_seen < now() - interval '30 days'");
        }
        assertThat(detect(d).findings()).isEmpty();
        assertThat(List.of(d.id())).containsExactly("integrity.retention-backlog");
    }
}
