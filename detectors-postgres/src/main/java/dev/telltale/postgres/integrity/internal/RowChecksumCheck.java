package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.row-checksum}: a stored hash column no longer matches the hash recomputed from the
 * columns it covers. The hash is {@code md5} or {@code sha256} (lower-case hex) of the columns' text joined
 * with {@code |} ({@code concat_ws}, so nulls are skipped): the application must compute it the same way.
 */
public final class RowChecksumCheck extends ScanCheck {
    /** How the stored hash was computed. */
    public enum Algorithm { MD5, SHA256 }

    private final String hashColumn;
    private final List<String> columns;
    private final Algorithm algorithm;
    private final List<String> key;

    public RowChecksumCheck(Common common, PostgresTarget target, Ident table, String hashColumn, List<String> columns,
                            Algorithm algorithm, List<String> key, Optional<String> where, OptionalInt chunkRows,
                            Optional<String> rangeColumn) {
        super(common, target, table, where, chunkRows, rangeColumn);
        this.hashColumn = hashColumn;
        this.columns = List.copyOf(columns);
        this.algorithm = algorithm;
        this.key = List.copyOf(key);
    }

    @Override
    public String subject() {
        return table + "." + hashColumn;
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        info.column(what("hash-column"), hashColumn);
        columns.forEach(c -> info.column(what("columns"), c));
        List<String> k = info.keyOrPrimary(what("key"), key);
        StringBuilder joined = new StringBuilder("concat_ws('|'");
        for (String c : columns) {
            joined.append(", t.").append(Ident.quote(c)).append("::text");
        }
        joined.append(")");
        String hash = switch (algorithm) {
            case MD5 -> "md5(" + joined + ")";
            case SHA256 -> "encode(sha256(convert_to(" + joined + ", 'UTF8')), 'hex')";
        };
        return "select " + keyText("t", k) + " as key from " + table.quoted() + " t where " + range + andWhere()
                + " and t." + Ident.quote(hashColumn) + "::text is distinct from " + hash;
    }
}
