package dev.telltale.postgres.integrity.internal;

/**
 * A check of a kind with no table to name it by (an invariant's query, a reconciliation's two sides): the
 * {@code name} setting is required, and it is the check's name.
 */
public abstract class NamedCheckBuilder<B extends NamedCheckBuilder<B>> extends CheckBuilder<B> {
    private final String label;

    protected NamedCheckBuilder(Owner owner, KindSpec kind, String name) {
        super(owner, kind);
        this.label = name;
        name(name);
    }

    @Override
    protected final String defaultName() {
        return label;
    }
}
