package dev.telltale.archfixture.internal;

/** An internal type for the boundary test's fixture. */
public class Hidden {
}
