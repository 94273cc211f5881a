package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostCallTableTest {

    @Test
    void shouldKeepTheLatestCallsAndCountThoseForgottenUnjoined() {
        HostCallTable table = new HostCallTable(3);
        for (long id = 1; id <= 4; id++) {
            table.put(id, "cudaLaunchKernel", 7, 70 + id, 100 * id, 100 * id + 5);
            if (id == 1) {
                table.markJoined(table.slotOf(1));
            }
        }
        table.put(5, "cudaMemcpyAsync", 8, 80, 500, 510);
        assertThat(table.slotOf(1)).as("forgotten, joined").isNegative();
        assertThat(table.slotOf(2)).as("forgotten, never joined").isNegative();
        int five = table.slotOf(5);
        assertThat(table.name(five)).isEqualTo("cudaMemcpyAsync");
        assertThat(new long[] {table.pid(five), table.tid(five), table.startNs(five), table.endNs(five)})
                .containsExactly(8, 80, 500, 510);
        assertThat(table.tid(table.slotOf(3))).isEqualTo(73);
        table.markJoined(table.slotOf(4));
        assertThat(table.unmatched()).as("2 forgotten unjoined, 3 and 5 kept unjoined").isEqualTo(3);
    }

    @Test
    void shouldLetALaterCallOfTheSameIdReplaceTheEarlierOne() {
        HostCallTable table = new HostCallTable(4);
        table.put(9, "cudaLaunchKernel", 1, 1, 10, 20);
        table.put(9, "cudaGraphLaunch", 1, 1, 30, 40);
        assertThat(table.name(table.slotOf(9))).isEqualTo("cudaGraphLaunch");
        assertThat(table.unmatched()).as("the replaced call is not counted").isEqualTo(1);
        for (long id = 10; id < 14; id++) {
            table.put(id, "cudaLaunchKernel", 1, 1, id, id);
        }
        assertThat(table.slotOf(9)).as("both slots of id 9 reused").isNegative();
        assertThat(table.unmatched()).as("id 9 forgotten once, 10 to 13 kept").isEqualTo(5);
    }

    @Test
    void shouldGrowToItsCapacityAndThenReuseSlots() {
        HostCallTable table = new HostCallTable(5_000);
        for (long id = 0; id < 6_000; id++) {
            table.put(id, "cudaLaunchKernel", 1, id, id, id + 1);
        }
        assertThat(table.slotOf(999)).isNegative();
        assertThat(table.tid(table.slotOf(1_000))).isEqualTo(1_000);
        assertThat(table.tid(table.slotOf(5_999))).isEqualTo(5_999);
        assertThat(table.unmatched()).isEqualTo(6_000);
    }

    /**
     * Ids that count up, ids far apart whose low bits coincide, and ids read again, against a plain model: the calls
     * kept, the one each id finds and the unjoined count agree after every step.
     */
    @Test
    void shouldFindTheLatestKeptCallOfEachIdWhateverItsLowBits() {
        Random random = new Random(16);
        for (int round = 0; round < 20; round++) {
            int capacity = 1 + random.nextInt(3_000);
            HostCallTable table = new HostCallTable(capacity);
            Model model = new Model(capacity);
            long counter = 0;
            for (int step = 0; step < 20_000; step++) {
                long id = switch (random.nextInt(4)) {
                    case 0, 1 -> ++counter;
                    case 2 -> (long) random.nextInt(64) << (12 + random.nextInt(40)); // the same low bits
                    default -> Math.max(0, counter - random.nextInt(capacity + 10)); // read again
                };
                table.put(id, "call", 1, step, id, id + 1);
                model.put(id, step);
                long probe = random.nextBoolean() ? id : Math.max(0, counter - random.nextInt(2 * capacity + 1));
                int slot = table.slotOf(probe);
                Long tid = model.tidOf(probe);
                assertThat(slot < 0 ? null : table.tid(slot)).as("id %d at step %d", probe, step).isEqualTo(tid);
                if (slot >= 0 && random.nextInt(3) == 0) {
                    table.markJoined(slot);
                    model.join(probe);
                }
            }
            assertThat(table.unmatched()).isEqualTo(model.unmatched());
        }
    }

    /** The table's contract in its plainest form: a queue of calls and each id's latest. */
    private static final class Model {
        private static final class Call {
            final long id;
            final long tid;
            boolean joined;

            Call(long id, long tid) {
                this.id = id;
                this.tid = tid;
            }
        }

        private final int capacity;
        private final ArrayDeque<Call> kept = new ArrayDeque<>();
        private final Map<Long, Call> latest = new HashMap<>();
        private long forgottenUnmatched;

        Model(int capacity) {
            this.capacity = capacity;
        }

        void put(long id, long tid) {
            if (kept.size() == capacity) {
                Call earliest = kept.poll();
                if (latest.get(earliest.id) == earliest) {
                    latest.remove(earliest.id);
                    forgottenUnmatched += earliest.joined ? 0 : 1;
                }
            }
            Call call = new Call(id, tid);
            kept.add(call);
            latest.put(id, call);
        }

        Long tidOf(long id) {
            Call call = latest.get(id);
            return call == null ? null : call.tid;
        }

        void join(long id) {
            latest.get(id).joined = true;
        }

        long unmatched() {
            return forgottenUnmatched + latest.values().stream().filter(call -> !call.joined).count();
        }
    }
}
