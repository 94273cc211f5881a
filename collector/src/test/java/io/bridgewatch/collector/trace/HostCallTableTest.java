package io.bridgewatch.collector.trace;

import static org.assertj.core.api.Assertions.assertThat;

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
}
