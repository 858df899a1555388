package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.List;
import java.util.Locale;

/** Builds an {@code integrity.row-checksum} check ({@link RowChecksumCheck}). */
public final class RowChecksumBuilder extends RowCheckBuilder<RowChecksumBuilder> implements IntegrityCheckBuilder.RowChecksum {
    public static final KindSpec KIND = RowChecksumKind.TABLE.reads((owner, s) -> {
        var b = new RowChecksumBuilder(owner, s.get("table"), s.get("hash-column"));
        b.columns(s.names("columns"));
        s.<String>opt("algorithm").ifPresent(b::algorithm);
        s.optNames("key").ifPresent(b::key);
        return b;
    });

    private final String hashColumn;
    private List<String> columns = List.of();
    private RowChecksumCheck.Algorithm algorithm = RowChecksumCheck.Algorithm.MD5;

    public RowChecksumBuilder(Owner owner, String table, String hashColumn) {
        super(owner, KIND, table);
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

    @Override
    protected String defaultName() {
        return table + "." + hashColumn;
    }

    @Override
    protected Check check(Check.Common common) {
        return new RowChecksumCheck(common, target(), table, hashColumn, required(columns, "columns"), algorithm, key, where, chunkRows, rangeColumn);
    }
}
