package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.List;
import java.util.Locale;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.row-checksum} check ({@link RowChecksumCheck}). */
public final class RowChecksumBuilder extends CheckBuilder<RowChecksumBuilder> implements IntegrityCheckBuilder.RowChecksum {
    public static final KindSpec KIND = KindSpec.of("row-checksum",
                    "a stored hash column differs from the hash recomputed from named columns",
                    Problem.SILENT_DATA_CORRUPTION, Severity.CRITICAL)
            .finding("checksum mismatch", "Data changed outside the application or on disk: compare with a "
                            + "backup and check pg_stat_database.checksum_failures")
            .fields(required("table", TABLE, "The table."),
                    required("hash-column", COLUMN, "The column holding the stored hash."),
                    required("columns", COLUMNS, "The columns the hash covers: their text joined with `|`, nulls "
                            + "skipped (`concat_ws`), in this order."),
                    optional("algorithm", TEXT, "`md5`", "`md5` or `sha256`, lower-case hex."),
                    optional("key", COLUMNS, "the primary key", "The columns naming an offending row in the evidence."))
            .reads((owner, s) -> {
                var b = new RowChecksumBuilder(owner, s.get("table"), s.get("hash-column"));
                b.columns(s.names("columns"));
                s.<String>opt("algorithm").ifPresent(b::algorithm);
                s.optNames("key").ifPresent(b::key);
                return b;
            });

    private final Ident table;
    private final String hashColumn;
    private List<String> columns = List.of();
    private RowChecksumCheck.Algorithm algorithm = RowChecksumCheck.Algorithm.MD5;
    private List<String> key = List.of();

    public RowChecksumBuilder(Owner owner, String table, String hashColumn) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
        this.hashColumn = Ident.column(at("hash-column"), hashColumn);
    }

    /** The columns the hash covers, in the order they were joined with {@code |}. */
    public RowChecksumBuilder columns(String... columns) {
        this.columns = names(at("columns"), columns);
        return this;
    }

    /** {@code md5} (default) or {@code sha256}, lower-case hex. */
    public RowChecksumBuilder algorithm(String algorithm) {
        this.algorithm = switch (algorithm == null ? "" : algorithm.toLowerCase(Locale.ROOT)) {
            case "md5" -> RowChecksumCheck.Algorithm.MD5;
            case "sha256" -> RowChecksumCheck.Algorithm.SHA256;
            default -> throw new IntegrityConfigException(at("algorithm") + ": '" + algorithm + "' is not md5 or sha256");
        };
        return this;
    }

    public RowChecksumBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + hashColumn;
    }

    @Override
    protected Check check(Check.Common common) {
        if (columns.isEmpty()) {
            throw new IntegrityConfigException(at("columns") + ": is required");
        }
        return new RowChecksumCheck(common, target(), table, hashColumn, columns, algorithm, key, where, chunkRows, rangeColumn);
    }
}
