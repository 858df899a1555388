package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlFileTest {

    @Test
    void picksTheNewestVariantNotAboveTheServer() {
        SqlFile<Integer> sql = SqlFile.load(SqlFileTest.class, "sample", Integer.class);
        assertThat(sql.rowType()).isEqualTo(Integer.class);
        assertThat(sql.variantVersions()).containsExactly(13, 15);
        assertThat(sql.text(13)).endsWith("select 13 as v");
        assertThat(sql.text(14)).endsWith("select 13 as v");
        assertThat(sql.text(15)).endsWith("select 15 as v");
        assertThat(sql.text(17)).endsWith("select 15 as v");
        assertThat(sql.text(12)).endsWith("select 13 as v");
    }

    @Test
    void markedLinesGoToTheirVersionsOnly() {
        SqlFile<Integer> sql = SqlFile.load(SqlFileTest.class, "marked", Integer.class);
        assertThat(sql.variantVersions()).containsExactly(13, 16);
        assertThat(sql.text(15)).endsWith("select 1 as a,\n       13 as v\n  from (select 1) one");
        assertThat(sql.text(16)).endsWith("select 1 as a,\n       16 as v\n  from (select 1) one");
        assertThat(sql.text(17)).isEqualTo(sql.text(16)).doesNotContain("pg16");
    }

    @Test
    void everyQueryCarriesTheTelltaleComment() {
        assertThat(SqlFile.load(SqlFileTest.class, "sample", Integer.class).text(17)).startsWith("/* telltale:sample */");
    }

    @Test
    void aFileWithoutHeaderOrMissingIsRejected() {
        assertThatThrownBy(() -> SqlFile.load(SqlFileTest.class, "noheader", Integer.class))
                .hasMessageContaining("must start with a comment header");
        assertThatThrownBy(() -> SqlFile.load(SqlFileTest.class, "nope", Integer.class))
                .hasMessageContaining("nope.sql not found");
    }

    @Test
    void grantAdviceQuotesOddRoleNames() {
        assertThat(ServerProbe.quoteIdent("alice")).isEqualTo("alice");
        assertThat(ServerProbe.quoteIdent("Alice-Ops")).isEqualTo("\"Alice-Ops\"");
    }
}
