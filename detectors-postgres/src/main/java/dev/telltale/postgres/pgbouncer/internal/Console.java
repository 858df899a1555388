package dev.telltale.postgres.pgbouncer.internal;

import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectionTimeoutException;
import dev.telltale.postgres.internal.Turns;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A PgBouncer target's one connection to its admin console, opened on first use and dropped after any failure
 * (the next run connects afresh). Runs take turns on a fair lock, bounded by their budget; every command's reads
 * are bounded by the target's timeout and what is left of the run's budget, whichever is shorter.
 */
public final class Console implements AutoCloseable {
    /** Where and as whom to connect; the password is never printed. */
    public record Address(String host, int port, String user, Optional<String> password, String redacted) {
        public Address {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(redacted, "redacted");
        }

        @Override
        public String toString() {
            return redacted;
        }
    }

    /** The console's only database. */
    public static final String DATABASE = "pgbouncer";

    /** One run's use of the connection, until its deadline. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Session session) throws IOException;
    }

    private final String targetName;
    private final Address address;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock(true);
    private ConsoleClient client;
    private boolean closed;

    public Console(String targetName, Address address, Duration timeout) {
        this.targetName = Objects.requireNonNull(targetName, "targetName");
        this.address = Objects.requireNonNull(address, "address");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Runs {@code work} on the connection within {@code budget}, telling {@code queued} how long it waited for a
     * run of another detector of this target.
     *
     * @throws DetectionTimeoutException when the console does not answer in time
     * @throws DetectionSkippedException when the console refuses the user (what to grant is in the reason)
     * @throws IOException               when it cannot be reached
     */
    public <T> T read(String purpose, Duration budget, Consumer<Duration> queued, Work<T> work) throws Exception {
        Duration waited = Turns.take(lock, budget, queued, targetName, purpose);
        long deadline = System.nanoTime() + Math.max(0, budget.minus(waited).toNanos());
        try {
            if (closed) {
                throw new IllegalStateException("target '" + targetName + "' is closed");
            }
            boolean ok = false;
            try {
                Session session = new Session(connection(deadline), deadline);
                T result = work.run(session);
                ok = true;
                return result;
            } catch (SocketTimeoutException e) {
                throw new DetectionTimeoutException("pgbouncer target '" + targetName + "' (" + address
                        + ") did not answer within " + timeout.toMillis() + " ms during " + purpose);
            } catch (ConsoleClient.ConsoleError e) {
                ok = true; // the connection is still in step after an error answer
                throw refused(e);
            } finally {
                if (!ok) {
                    drop();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private RuntimeException refused(ConsoleClient.ConsoleError e) {
        String m = e.getMessage();
        if (m.contains("not allowed") || m.contains("admin access needed") || m.contains("no such user")
                || m.contains("password authentication failed")) {
            drop();
            return new DetectionSkippedException("the pgbouncer console refuses user '" + address.user() + "' (" + m
                    + "); add the user to stats_users (read-only SHOW commands) in pgbouncer.ini and reload it");
        }
        return new IllegalStateException("the pgbouncer console of target '" + targetName + "' answered: " + m, e);
    }

    private ConsoleClient connection(long deadline) throws IOException {
        if (client == null) {
            try {
                client = ConsoleClient.connect(address.host(), address.port(), DATABASE, address.user(), address.password(),
                        bounded(deadline));
            } catch (ConsoleClient.ConsoleError e) {
                throw refused(e);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("cannot reach pgbouncer target '" + targetName + "' (" + address + "): "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            }
        }
        return client;
    }

    private Duration bounded(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no time left");
        }
        return Duration.ofNanos(Math.min(left, timeout.toNanos())).plusMillis(1);
    }

    private void drop() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            drop();
        } finally {
            lock.unlock();
        }
    }

    /** The commands one run sends, each bounded by the run's deadline. */
    public final class Session {
        private final ConsoleClient client;
        private final long deadline;

        private Session(ConsoleClient client, long deadline) {
            this.client = client;
            this.deadline = deadline;
        }

        /** {@code SHOW <what>}: its rows, at most {@code maxRows}; {@link Rows#more()} counts the rest. */
        public Rows show(String what, int maxRows) throws IOException {
            List<Map<String, String>> rows = new ArrayList<>();
            long[] more = {0};
            scan(what, r -> {
                if (rows.size() < maxRows) {
                    rows.add(r);
                } else {
                    more[0]++;
                }
            });
            return new Rows(List.copyOf(rows), more[0]);
        }

        /** {@code SHOW <what>}, each row handed to {@code row} and not kept. */
        public void scan(String what, Consumer<Map<String, String>> row) throws IOException {
            if (!what.matches("[A-Z_]+")) {
                throw new IllegalArgumentException("not a console SHOW: " + what);
            }
            client.query("SHOW " + what, bounded(deadline), row);
        }
    }

    /** Rows of one {@code SHOW}, and how many were left out past the row cap. */
    public record Rows(List<Map<String, String>> rows, long more) {
    }
}
