package dev.telltale.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import dev.telltale.testkit.internal.RedisEndpoint;
import dev.telltale.testkit.internal.RespClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Two test classes at once get different logical databases and prefixes, emptied and released after. */
@ExtendWith(RedisExtension.class)
class RedisIsolationIT {
    record Seen(int database, String prefix) {
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void eachClassGetsItsOwnDatabaseAndPrefix(TestRedis redis) throws IOException {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(First.class))
                .execute().testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0).aborted(0));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0).database()).isNotEqualTo(SEEN.get(1).database()).isNotEqualTo(redis.database());
        assertThat(SEEN.get(0).prefix()).isNotEqualTo(SEEN.get(1).prefix());
        try (RespClient client = RespClient.connect(new RedisEndpoint(redis.host(), redis.port(), "", ""), Duration.ofSeconds(2))) {
            for (Seen seen : SEEN) {
                assertThat(client.callForString("GET", "telltale:testkit:claim:" + seen.database())).as("claim released").isEmpty();
            }
            client.call("SELECT", Integer.toString(SEEN.get(0).database()));
            assertThat(client.call("EXISTS", SEEN.get(0).prefix() + "left")).as("flushed after the class").isEqualTo(0L);
        }
    }

    /** Second is nested so First's database stays claimed while Second claims one: they must differ. */
    @ExtendWith(RedisExtension.class)
    static class First {
        @Test
        void records(TestRedis redis) throws IOException {
            try (RespClient client = RespClient.connect(new RedisEndpoint(redis.host(), redis.port(), "", ""), Duration.ofSeconds(2))) {
                client.call("SELECT", Integer.toString(redis.database()));
                client.call("SET", redis.keyPrefix() + "left", "behind");
            }
            SEEN.add(new Seen(redis.database(), redis.keyPrefix()));
        }

        @Nested
        class Second {
            @Test
            void records(TestRedis redis) {
                SEEN.add(new Seen(redis.database(), redis.keyPrefix()));
            }
        }
    }
}
