package dev.telltale.postgres;

import dev.telltale.postgres.internal.ServerViews;

import java.time.Clock;

/**
 * Targets that share their reads of server-wide views. A {@code serve} watching many databases of one server makes
 * one target per database; each detector that reads a view of the whole server ({@code pg_stat_statements},
 * {@code pg_stat_activity}, {@code pg_locks}, the checkpointer's counters, {@code pg_stat_replication}) would read it
 * once per database and keep its own database's part. Targets built with {@link PostgresTarget.Builder#fleet} read it
 * once per interval between them, on whichever target's connection needs it first (under that run's deadline and row
 * cap), and each keeps its own database's part of the same result. Targets are matched by the server their
 * connection reached (system identifier, address, port and start time), never by URL, so targets of one fleet on
 * different servers simply share nothing.
 *
 * <pre>{@code
 * PostgresFleet fleet = PostgresFleet.create();
 * PostgresTarget orders = PostgresTarget.builder("orders").url("postgresql://db:5432/orders").fleet(fleet).build();
 * PostgresTarget billing = PostgresTarget.builder("billing").url("postgresql://db:5432/billing").fleet(fleet).build();
 * }</pre>
 *
 * A shared result is at most one interval old when a detector gets it, and a detector never gets the same result
 * twice, so delta detectors compare two different samples, timed by when each was read.
 */
public final class PostgresFleet {
    private final ServerViews views = new ServerViews(Clock.systemUTC());

    private PostgresFleet() {
    }

    public static PostgresFleet create() {
        return new PostgresFleet();
    }

    /** Server-wide views read so far by the fleet's targets. */
    public long viewsRead() {
        return views.stats().reads();
    }

    /** Results handed on to another target of the fleet instead of being read again. */
    public long viewsShared() {
        return views.stats().shared();
    }

    ServerViews views() {
        return views;
    }
}
