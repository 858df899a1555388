package dev.telltale.jvm.internal;

/**
 * One normalised SQL shape. Identity-compared on the hot path; {@code used} is the CLOCK bit of the
 * fingerprint caches, written without a fence because a lost write only costs an early eviction.
 */
public final class Fingerprint {
    private final long id;
    private final String text;
    private final String callSite;
    volatile boolean used;
    /** Whether the first execution seen of this shape ran without a query timeout; -1 unknown, 0 no, 1 yes. */
    volatile int withoutTimeout = -1;

    Fingerprint(long id, String text, String callSite) {
        this.id = id;
        this.text = text;
        this.callSite = callSite;
    }

    public long id() {
        return id;
    }

    /** The normalised SQL, cut at 2000 characters. */
    public String text() {
        return text;
    }

    /** The first application frame that ran this shape first, such as {@code com.acme.OrderService.load(OrderService.java:42)}. */
    public String callSite() {
        return callSite;
    }

    /**
     * Whether this is schema DDL ({@code CREATE}, {@code ALTER}, {@code DROP}, {@code COMMENT}) or a session
     * setting ({@code SET}, {@code RESET}, which Hibernate's schema tool sends around its DDL): what a schema tool
     * (Hibernate's, Flyway, Liquibase) runs at start, once, where a query timeout means nothing.
     */
    public boolean schemaDdl() {
        return isSchemaDdl(text);
    }

    static boolean isSchemaDdl(String normalized) {
        return normalized.startsWith("create ") || normalized.startsWith("alter ") || normalized.startsWith("drop ")
                || normalized.startsWith("comment ") || normalized.startsWith("set ") || normalized.startsWith("reset ");
    }

    @Override
    public String toString() {
        return text;
    }
}
