package dev.telltale.postgres.internal.stats;

import dev.telltale.postgres.internal.PgLexer;
import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;

import java.util.List;
import java.util.Set;

/**
 * What a statement of {@code pg_stat_statements} is, read from its normalised text, for the N+1 fan-out test:
 * a <em>lookup</em> (a SELECT that filters by a parameter: the child of an N+1 loop), a <em>row source</em> (a
 * statement that hands rows to the client: the parent a loop walks), or neither. The counters alone cannot tell
 * {@code begin} from {@code select name from customers where id = $1}: both run once per unit of work with at
 * most one row per call. So the shape is decided by a whitelist of what a lookup looks like, and every utility
 * statement (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, SET, SHOW, RESET, DISCARD, DEALLOCATE, PREPARE, COPY,
 * FETCH, LOCK, VACUUM...) and every write (INSERT, UPDATE, DELETE, MERGE, SELECT ... INTO, a WITH that writes)
 * is no lookup, however its counters look. The text is tokenised the server's way, so a keyword inside a quoted
 * identifier or a comment counts for nothing. Telltale's own statements (their text opens with the
 * {@code /* telltale} comment) are neither.
 */
record StatementShape(boolean own, boolean lookup, boolean rowSource) {
    static final StatementShape UNKNOWN = new StatementShape(false, false, false);

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge");

    static StatementShape of(String text) {
        if (text == null || text.isBlank()) {
            return UNKNOWN; // no text (evicted from the text file, or another role's without pg_read_all_stats)
        }
        List<Token> all = PgLexer.tokensOfTruncated(text);
        if (!all.isEmpty() && all.get(0).kind() == Kind.BLOCK_COMMENT && all.get(0).text().startsWith("/* telltale")) {
            return new StatementShape(true, false, false);
        }
        List<Token> tokens = all.stream().filter(t -> t.kind() != Kind.LINE_COMMENT && t.kind() != Kind.BLOCK_COMMENT).toList();
        String first = firstWord(tokens);
        boolean writes = WRITES.contains(first);
        boolean returning = false;
        boolean into = false;
        boolean from = false;
        boolean where = false;
        boolean parameterAfterWhere = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String w = t.kind() == Kind.WORD ? t.word() : "";
            // a data-modifying CTE: with x as (delete ...); "for update" of a SELECT is no write
            writes |= WRITES.contains(w) && i > 0 && tokens.get(i - 1).kind() == Kind.OPEN;
            returning |= w.equals("returning");
            into |= w.equals("into") && t.depth() == 0;
            from |= w.equals("from");
            where |= w.equals("where");
            parameterAfterWhere |= where && t.kind() == Kind.PARAM;
        }
        boolean reads = (first.equals("select") || first.equals("with")) && !writes && !into;
        boolean lookup = reads && from && parameterAfterWhere;
        boolean rowSource = reads || first.equals("table") || first.equals("values")
                || (WRITES.contains(first) || first.equals("with")) && returning;
        return new StatementShape(false, lookup, rowSource);
    }

    /** The statement's first keyword, past any opening parentheses ({@code (select ...) union ...}). */
    private static String firstWord(List<Token> tokens) {
        for (Token t : tokens) {
            if (t.kind() == Kind.OPEN) {
                continue;
            }
            return t.kind() == Kind.WORD ? t.word() : "";
        }
        return "";
    }
}
