package dev.telltale.cli.internal.demo;

import io.lettuce.core.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** What workloads get: the shop database, the demo Redis, threads, and the in-process hooks. */
public final class DemoEnv implements AutoCloseable {
    final String shopJdbcUrl;
    final RedisClient redis;
    final InProcess inProcess;
    final ExecutorService threads;

    DemoEnv(String shopJdbcUrl, String redisUrl, InProcess inProcess) {
        this.shopJdbcUrl = shopJdbcUrl;
        this.redis = RedisClient.create(redisUrl);
        this.inProcess = inProcess;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "demo-workload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(shopJdbcUrl + "&ApplicationName=shop");
    }

    @Override
    public void close() {
        threads.shutdownNow();
        redis.shutdown();
    }
}
