package dev.telltale.postgres.internal;

import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgLexerTest {
    private static List<Kind> kinds(String sql) {
        return PgLexer.tokens(sql).stream().map(Token::kind).toList();
    }

    private static List<String> texts(String sql) {
        return PgLexer.tokens(sql).stream().map(Token::text).toList();
    }

    @Test
    void anEscapeStringEndsWhereTheServerEndsIt() {
        // E'\'' is one string holding a quote; the naive reading ended it early and missed the ';' after it
        assertThat(texts("status = E'\\'') ; commit")).containsExactly("status", "=", "E'\\''", ")", ";", "commit");
        assertThat(texts("e'a\\\\' || 'b'")).containsExactly("e'a\\\\'", "|", "|", "'b'");
        assertThat(texts("E'it''s'")).containsExactly("E'it''s'");
        assertThat(kinds("E'\\'' = 'x'")).containsExactly(Kind.ESCAPE_STRING, Kind.OTHER, Kind.STRING);
    }

    @Test
    void aStandardStringTakesBackslashesLiterallyAndDoublesQuotes() {
        assertThat(texts("'\\' ; 'it''s'")).containsExactly("'\\'", ";", "'it''s'");
        // an identifier ending in e is not an E prefix
        assertThat(texts("somee'x'")).containsExactly("somee", "'x'");
        assertThat(texts("U&'d\\0061t' X'1F' B'01' N'n'")).containsExactly("U&'d\\0061t'", "X'1F'", "B'01'", "N'n'");
    }

    @Test
    void dollarQuotesQuotedIdentifiersAndParameters() {
        assertThat(texts("$$a;b$$ $t$x$$;$t$ $1 a$b")).containsExactly("$$a;b$$", "$t$x$$;$t$", "$1", "a$b");
        assertThat(kinds("\"a;\"\"b\" U&\"x\"")).containsExactly(Kind.QUOTED_IDENT, Kind.QUOTED_IDENT);
        assertThat(PgLexer.tokens("\"Mixed\"\"Q\"").get(0).identifier()).isEqualTo("Mixed\"Q");
        assertThatThrownBy(() -> PgLexer.tokens("\"\"")).hasMessage("has a zero-length quoted identifier");
    }

    @Test
    void commentsNestAndEndOperators() {
        assertThat(kinds("a /* x /* y */ ; */ b")).containsExactly(Kind.WORD, Kind.BLOCK_COMMENT, Kind.WORD);
        assertThat(kinds("a --; x\n; b")).containsExactly(Kind.WORD, Kind.LINE_COMMENT, Kind.SEMICOLON, Kind.WORD);
        assertThat(kinds("1+-- c\n2")).containsExactly(Kind.NUMBER, Kind.OTHER, Kind.LINE_COMMENT, Kind.NUMBER);
        assertThatThrownBy(() -> PgLexer.tokens("a /* /* */")).hasMessage("has an unterminated /* comment");
    }

    @Test
    void unterminatedTextIsRefused() {
        assertThatThrownBy(() -> PgLexer.tokens("E'\\'")).hasMessage("has an unterminated quote");
        assertThatThrownBy(() -> PgLexer.tokens("'abc")).hasMessage("has an unterminated quote");
        assertThatThrownBy(() -> PgLexer.tokens("$q$abc$")).hasMessage("has an unterminated dollar-quoted string");
    }

    @Test
    void depthCountsParentheses() {
        List<Token> t = PgLexer.tokens("(a) )");
        assertThat(t.stream().map(Token::depth).toList()).containsExactly(0, 1, 0, -1);
    }
}
