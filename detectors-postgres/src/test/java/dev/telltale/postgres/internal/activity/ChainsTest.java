package dev.telltale.postgres.internal.activity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChainsTest {

    private static LockWaitsDetector.Waiter waiter(int pid, Integer... blockers) {
        return new LockWaitsDetector.Waiter(pid, "u", "app", "db", "tuple", "update t", List.of(blockers), 1.0, true, 1.0,
                "tuple", "ExclusiveLock", "t", null, 0, 1);
    }

    @Test
    void queueBehindOneRootIsOneChainWithItsLongestPath() {
        // B waits on A; C on B; D on B and on C (ahead of it in the queue)
        List<LockWaitsDetector.Chain> chains = LockWaitsDetector.chains(List.of(
                waiter(2, 1), waiter(3, 2), waiter(4, 2, 3)));
        assertThat(chains).hasSize(1);
        assertThat(chains.get(0).root()).isEqualTo(1);
        assertThat(chains.get(0).blocked()).extracting(LockWaitsDetector.Waiter::pid).containsExactly(2, 3, 4);
        assertThat(chains.get(0).longestPath()).containsExactly(4, 3, 2, 1);
        assertThat(chains.get(0).depth()).isEqualTo(3);
    }

    @Test
    void sharedLockHoldersAreEachARoot() {
        List<LockWaitsDetector.Chain> chains = LockWaitsDetector.chains(List.of(waiter(5, 1, 2)));
        assertThat(chains).extracting(LockWaitsDetector.Chain::root).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void aCycleHasNoRoot() {
        assertThat(LockWaitsDetector.chains(List.of(waiter(1, 2), waiter(2, 1)))).isEmpty();
    }

    @Test
    void aLongQueueWhereEveryoneListsEveryoneAheadStaysCheap() {
        List<LockWaitsDetector.Waiter> queue = new ArrayList<>();
        for (int pid = 2; pid <= 300; pid++) {
            List<Integer> ahead = new ArrayList<>();
            for (int p = 1; p < pid; p++) {
                ahead.add(p);
            }
            queue.add(waiter(pid, ahead.toArray(Integer[]::new)));
        }
        List<LockWaitsDetector.Chain> chains = LockWaitsDetector.chains(queue);
        assertThat(chains).hasSize(1);
        assertThat(chains.get(0).blocked()).hasSize(299);
        assertThat(chains.get(0).depth()).isEqualTo(299);
    }
}
