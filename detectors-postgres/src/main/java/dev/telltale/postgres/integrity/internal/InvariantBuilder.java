package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.Objects;
import java.util.Optional;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.invariant} check ({@link InvariantCheck}). */
public final class InvariantBuilder extends CheckBuilder<InvariantBuilder> implements IntegrityCheckBuilder.Invariant {
    public static final KindSpec KIND = KindSpec.of("invariant", "rows returned by the user's own query (write-skew rules)",
                    Problem.WRITE_SKEW, Severity.CRITICAL)
            .finding("violating row", "Look at the rows listed; two transactions each kept the rule alone and broke it together: "
                            + "run them serializable or lock what the rule reads")
            .fields(required("name", NAME, "The check's name (the `check` tag)."),
                    required("sql", QUERY, "The query returning the rows that break the rule (trusted configuration; see [Safety](#safety))."),
                    optional("key", COLUMN, "the whole row as text", "The column of the query's result that names a violation."),
                    optional("description", TEXT, "the check's name", "The rule in words, used as the finding's subject."))
            .refuses("where", "put the condition in the invariant's query")
            .refuses("chunk-rows", "an invariant is the user's query, run whole")
            .reads((owner, s) -> {
                var b = new InvariantBuilder(owner, s.get("name"), s.get("sql"));
                s.<String>opt("key").ifPresent(b::key);
                s.<String>opt("description").ifPresent(b::description);
                return b;
            });

    private final String label;
    private final String sql;
    private Optional<String> keyColumn = Optional.empty();
    private Optional<String> description = Optional.empty();

    public InvariantBuilder(Owner owner, String name, String sql) {
        super(owner, KIND);
        this.label = name;
        name(name);
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
    protected String defaultName() {
        return label;
    }

    @Override
    protected Check check(Check.Common common) {
        return new InvariantCheck(common, target(), sql, keyColumn, description.orElse(common.name()));
    }
}
