package io.bridgewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.serde.NodeEventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's events are whole records: what it does not model carries the schema's defaults. */
class SimulatedEventsTest {
    private static final long START_NS = 1_767_225_600_000_000_000L;

    @Test
    void leavesTheSchemaDefaultsInTheFieldsItDoesNotModel() throws InterruptedException {
        List<Crossing> crossings = new ArrayList<>();
        List<KernelExec> kernels = new ArrayList<>();
        EventSink sink = EventSink.crossingsAndKernelsTo(crossings::add, kernels::add);
        new FleetSimulator(ScenarioLoader.loadDefault(), START_NS)
                .run(Duration.ofSeconds(30), FleetSimulator.Pacing.VIRTUAL, node -> sink, () -> true);

        assertThat(crossings).isNotEmpty();
        assertThat(kernels).isNotEmpty();
        for (Crossing c : crossings) {
            assertThat(c).isEqualTo(Crossing.newBuilder(c).clearHostSyncEndNs().clearStatusCode().clearHostCall()
                    .clearBytesKnown().build());
            assertThat(NodeEventCodec.decode(NodeEventCodec.encode(c))).isEqualTo(c);
        }
        for (KernelExec k : kernels) {
            assertThat(k).isEqualTo(KernelExec.newBuilder(k).clearHostCall().build());
            assertThat(NodeEventCodec.decode(NodeEventCodec.encode(k))).isEqualTo(k);
        }
    }
}
