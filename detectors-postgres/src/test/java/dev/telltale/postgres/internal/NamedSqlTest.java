package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NamedSqlTest {
    @Test
    void namesBecomePositionalParametersInOrder() {
        NamedSql q = NamedSql.parse("select * from t where a = :lo and b < :hi and c > :lo limit :limit");
        assertThat(q.sql()).isEqualTo("select * from t where a = ? and b < ? and c > ? limit ?");
        assertThat(q.names()).isEqualTo(List.of("lo", "hi", "lo", "limit"));
    }

    @Test
    void castsStringsIdentifiersAndCommentsAreLeftAlone() {
        String text = "/* telltale: a :comment */ select x::int, cast(:names as text[]), ':text', E'\\':esc', $$ :dollar $$,"
                + " \":ident\" -- :line\n from t where y = :y";
        NamedSql q = NamedSql.parse(text);
        assertThat(q.names()).containsExactly("names", "y");
        assertThat(q.sql()).isEqualTo(text.replace("cast(:names", "cast(?").replace("y = :y", "y = ?"));
    }

    @Test
    void textWithoutParametersIsUnchanged() {
        assertThat(NamedSql.of("select 1").sql()).isEqualTo("select 1");
        assertThat(NamedSql.of("select 1").names()).isEmpty();
    }
}
