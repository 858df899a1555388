package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientsIT {

    @Test
    void connectionsNearALoweredMaxclientsAndRefusedOnes() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxclients", "20"); RedisTarget target = redis.target("cache")) {
            Detector d = Runs.detector(target, "redis.clients");
            Detection quiet = Runs.run(d);
            assertThat(Runs.above(quiet, Severity.WARNING)).isEmpty();
            List<StatefulRedisConnection<String, String>> held = new ArrayList<>();
            try {
                while (held.size() < 16) { // + the test's and telltale's own: 18 of 20
                    held.add(redis.client().connect());
                }
                Detection near = Runs.run(d);
                Finding f = Runs.finding(near, "connections").orElseThrow();
                assertThat(f.problem()).isEqualTo(Problem.CONNECTION_POOL_STARVATION);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.evidence()).containsEntry("maxclients", 20L);
                assertThat((Long) f.evidence().get("connected_clients")).isBetween(17L, 19L);
                assertThat(Runs.signal(near, "redis.clients.usage", redis.address()).orElseThrow()).isGreaterThanOrEqualTo(0.85);

                // raw sockets past the limit, held open: the server accepts each, answers an error and counts it
                List<Socket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < 5; i++) {
                        Socket s = new Socket("127.0.0.1", redis.port());
                        sockets.add(s);
                        s.getOutputStream().write("PING\r\n".getBytes());
                        s.getInputStream().read(new byte[256]);
                    }
                } finally {
                    for (Socket s : sockets) {
                        s.close();
                    }
                }
                Detection refused = Runs.run(d);
                Finding r = Runs.finding(refused, "rejected connections").orElseThrow();
                assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
                assertThat((Long) r.evidence().get("rejected_connections")).isPositive();
            } finally {
                held.forEach(StatefulRedisConnection::close);
            }
        }
    }
}
