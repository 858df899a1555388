package dev.telltale.jvm.internal;

import dev.telltale.jvm.PoolStats;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * HikariCP without a hard dependency: the class is recognised by name and only then touched, so the
 * module works without HikariCP on the class path.
 */
public final class HikariSupport {
    private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";

    private HikariSupport() {
    }

    public static Optional<String> poolName(DataSource ds) {
        if (!isHikari(ds)) {
            return Optional.empty();
        }
        return Optional.ofNullable(Hikari.poolName(ds));
    }

    public static PoolStats stats(DataSource ds) {
        if (!isHikari(ds)) {
            throw new IllegalArgumentException(ds.getClass().getName() + " is not a HikariDataSource; register it with a PoolStats");
        }
        return Hikari.stats(ds);
    }

    public static boolean isHikari(DataSource ds) {
        for (Class<?> c = ds.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(HIKARI)) {
                return true;
            }
        }
        return false;
    }

    /** Loaded only when a HikariDataSource was seen. */
    private static final class Hikari {
        static String poolName(DataSource ds) {
            return ((com.zaxxer.hikari.HikariDataSource) ds).getPoolName();
        }

        static PoolStats stats(DataSource ds) {
            com.zaxxer.hikari.HikariDataSource h = (com.zaxxer.hikari.HikariDataSource) ds;
            return new PoolStats() {
                @Override
                public int active() {
                    var bean = h.getHikariPoolMXBean();
                    return bean == null ? 0 : bean.getActiveConnections();
                }

                @Override
                public int idle() {
                    var bean = h.getHikariPoolMXBean();
                    return bean == null ? 0 : bean.getIdleConnections();
                }

                @Override
                public int pending() {
                    var bean = h.getHikariPoolMXBean();
                    return bean == null ? 0 : bean.getThreadsAwaitingConnection();
                }

                @Override
                public int maximum() {
                    return h.getMaximumPoolSize();
                }
            };
        }
    }
}
