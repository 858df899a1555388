package dev.telltale.jvm.requests.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KeyTableTest {

    /** Against a plain model (map + FIFO), over a long random run with evictions and deletions. */
    @Test
    void behavesLikeABoundedFifoMap() {
        int capacity = 64;
        KeyTable table = new KeyTable(capacity);
        Map<Long, int[]> model = new HashMap<>(); // fp -> {inFlight}
        ArrayDeque<Long> order = new ArrayDeque<>();
        Random random = new Random(11);
        long ttl = Long.MAX_VALUE / 4;
        for (int step = 0; step < 200_000; step++) {
            long fp = KeyTable.fingerprint("key-" + random.nextInt(200));
            if (random.nextInt(3) == 0) {
                table.end(fp);
                int[] m = model.get(fp);
                if (m != null && m[0] > 0) {
                    m[0]--;
                }
                continue;
            }
            int expected;
            int[] m = model.get(fp);
            if (m == null) {
                if (model.size() == capacity) {
                    model.remove(order.removeFirst());
                }
                model.put(fp, new int[] {1});
                order.addLast(fp);
                expected = KeyTable.FIRST;
            } else if (m[0] > 0) {
                m[0]++;
                expected = KeyTable.CONCURRENT;
            } else {
                m[0] = 1;
                expected = KeyTable.REPLAY;
            }
            assertThat(table.begin(fp, step, ttl)).as("step %d", step).isEqualTo(expected);
            assertThat(table.size()).isEqualTo(model.size());
        }
    }

    @Test
    void aUseOlderThanTheTtlIsNew() {
        KeyTable table = new KeyTable(16);
        long fp = KeyTable.fingerprint("pi_1");
        assertThat(table.begin(fp, 0, 100)).isEqualTo(KeyTable.FIRST);
        table.end(fp);
        assertThat(table.begin(fp, 50, 100)).isEqualTo(KeyTable.REPLAY);
        table.end(fp);
        assertThat(table.begin(fp, 500, 100)).isEqualTo(KeyTable.FIRST);
        assertThat(KeyTable.fingerprint("ab")).isNotEqualTo(KeyTable.fingerprint("ba"));
    }
}
