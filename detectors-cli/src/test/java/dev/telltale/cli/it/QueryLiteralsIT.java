package dev.telltale.cli.it;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data in a query never reaches telltale's output by default: a lock chain whose statements carry a card
 * number, an e-mail address and a social security number, and a long query with them, reported by
 * {@code check --format json} with placeholders in their place, in the output and the log; shown as they are
 * only with {@code --show-query-literals}.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryLiteralsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SECRETS = List.of("4111-1111-1111-1111", "alice.victim@example.com", "078-05-1120");

    private HeldSessions held;
    private String url;

    @BeforeAll
    void holdALockChainAndASlowQuery(TestPostgres pg) throws Exception {
        url = pg.jdbcUrl();
        held = new HeldSessions(pg);
        held.run("create table payments (id int primary key, note text)",
                "insert into payments select g, '' from generate_series(1, 10) g");
        held.holdOpen("update payments set note = 'card=4111-1111-1111-1111' where id = 3");
        held.inBackground("update payments set note = E'email=alice.victim@example.com' where id = 3");
        held.inBackground("select pg_sleep(90) where $$ssn=078-05-1120$$ <> 'card=4111-1111-1111-1111'");
        held.awaitSessions("(wait_event_type = 'Lock' or query like 'select pg_sleep(90)%')"
                + " and now() - query_start > interval '2 s'", 2);
    }

    @AfterAll
    void release() throws Exception {
        if (held != null) {
            held.close();
        }
    }

    private TelltaleJar.Result check(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("check", "--postgres", "shop=" + url, "--format", "json", "--window", "1s",
                "--verbose", "--set", "postgres.lock-waits.warning=1s", "--set", "postgres.long-running.active.warning=1s"));
        a.addAll(List.of(extra));
        return TelltaleJar.run(TIMEOUT, a.toArray(String[]::new));
    }

    @Test
    void byDefaultNeitherTheJsonNorTheLogCarryALiteral() throws Exception {
        TelltaleJar.Result r = check();
        assertThat(r.out()).as(r.err()).contains("postgres.lock-waits").contains("postgres.long-running")
                .contains("update payments set note = $1 where id = $2")
                .contains("select pg_sleep($1) where $2 <> $3");
        for (String s : SECRETS) {
            assertThat(r.out()).as("stdout").doesNotContain(s);
            assertThat(r.err()).as("stderr").doesNotContain(s);
        }
    }

    @Test
    void withTheOptInTheyShowAsTheServerHasThem() throws Exception {
        TelltaleJar.Result r = check("--show-query-literals");
        assertThat(r.out()).as(r.err()).contains("update payments set note = 'card=4111-1111-1111-1111' where id = 3")
                .contains("alice.victim@example.com").contains("$$ssn=078-05-1120$$");
    }
}
