package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.util.Objects;
import java.util.Optional;

/** Builds an {@code integrity.invariant} check ({@link InvariantCheck}). */
public final class InvariantBuilder extends NamedCheckBuilder<InvariantBuilder> implements IntegrityCheckBuilder.Invariant {
    public static final KindSpec KIND = InvariantKind.TABLE.reads((owner, s) -> {
        var b = new InvariantBuilder(owner, s.get("name"), s.get("sql"));
        s.<String>opt("key").ifPresent(b::key);
        s.<String>opt("description").ifPresent(b::description);
        return b;
    });

    private final String sql;
    private Optional<String> keyColumn = Optional.empty();
    private Optional<String> description = Optional.empty();

    public InvariantBuilder(Owner owner, String name, String sql) {
        super(owner, KIND, name);
        this.sql = SqlFragment.query(at("sql"), sql);
    }

    /** The column of the query's result that names a violation (default: the whole row's text). */
    public InvariantBuilder key(String column) {
        this.keyColumn = Optional.of(Ident.column(at("key"), column));
        return this;
    }

    /** The rule in words, used as the finding's subject (default: the check's name). */
    public InvariantBuilder description(String text) {
        this.description = Optional.of(Objects.requireNonNull(text, at("description")));
        return this;
    }

    @Override
    protected Check check(Check.Common common) {
        return new InvariantCheck(common, target(), sql, keyColumn, description.orElse(common.name()));
    }
}
