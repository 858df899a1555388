package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryTextTest {
    @Test
    void theLiteralsOfTheAgentReviewNeverShow() {
        String q = "select * from payments where note = 'card=4111-1111-1111-1111' or note = "
                + "E'email=alice.victim@example.com\\'s' or ssn = $x$ssn=078-05-1120$x$";
        String n = QueryText.normalise(q);
        assertThat(n).isEqualTo("select * from payments where note = $1 or note = $2 or ssn = $3")
                .doesNotContain("4111", "alice", "078-05");
    }

    @Test
    void numbersInListsAndParametersAreTreatedLikePgStatStatements() {
        assertThat(QueryText.normalise("update t set n = n - 1.5e3 where id in (1, 2, 3) and k = $1 limit 10"))
                .isEqualTo("update t set n = n - $2 where id in ($3, ...) and k = $1 limit $4");
        assertThat(QueryText.normalise("select col1, \"we'ird\" from t where x = interval '1 day'"))
                .isEqualTo("select col1, \"we'ird\" from t where x = interval $1");
        assertThat(QueryText.normalise("select f(1, a) /* user=alice@example.com */ from t -- ssn=078-05-1120"))
                .isEqualTo("select f($1, a)   from t  ");
    }

    @Test
    void aQueryCutShortStillLosesItsLiteral() {
        // pg_stat_activity cuts text at track_activity_query_size, possibly inside a string
        assertThat(QueryText.normalise("insert into cards values ('4111-1111-11")).isEqualTo("insert into cards values ($1");
        assertThat(QueryText.normalise("select E'\\'' || 'x")).isEqualTo("select $1 || $2");
    }

    @Test
    void literalsShowOnlyWhenTheTargetAsks() throws Exception {
        String q = "select 'card=4111-1111-1111-1111'";
        assertThat(QueryText.shown(q, 300)).isEqualTo("select $1");
        assertThat(QueryText.during(true, () -> QueryText.shown(q, 300))).isEqualTo(q);
        assertThat(QueryText.shown(q)).isEqualTo("select $1");
    }
}
