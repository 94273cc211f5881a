package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CUPTI mode: joining GPU activity to calls in whatever order the agent's threads hand the records over. */
class AgentEventAssemblerTest {
    private final CapturingSink sink = new CapturingSink();
    private final AgentEventAssembler assembler = new AgentEventAssembler("n", sink);

    @Test
    void shouldJoinAnActivityThatCameBeforeItsCallsRecord() {
        cuptiOn();
        // CUPTI's flush thread handed the copy's activity over before the drain thread read the call's record.
        assembler.accept(new AgentRecord.ExternalCorrelation(500, 7));
        assembler.accept(gpuCopy(500, Direction.H2D, 1_000_200));
        assembler.accept(call(AgentApi.CUDA_MEMCPY_ASYNC, 7, Direction.H2D, 1_000_000));
        assembler.finish();

        assertThat(sink.crossings).singleElement().satisfies(c -> {
            assertThat(c.getHostCall()).isTrue();
            assertThat(c.getApiStartNs()).isEqualTo(1_000_000);
            assertThat(c.getGpuStartNs()).isEqualTo(1_000_200);
        });
        assertThat(assembler.activitiesWithoutCall()).isZero();
        assertThat(assembler.callsWithoutActivity()).isZero();
    }

    @Test
    void shouldJoinEveryKernelOfAGraphToItsLaunchAndCountItsCopiesAsSeenOnlyOnTheGpu() {
        cuptiOn();
        // One launch, one CUPTI correlation id for all its graph's work; some of it comes before the launch's record.
        assembler.accept(new AgentRecord.ExternalCorrelation(900, 11));
        assembler.accept(gpuCopy(900, Direction.H2D, 2_000_100));
        assembler.accept(gpuKernel(900, "scale", 2_000_300));
        assembler.accept(call(AgentApi.CUDA_GRAPH_LAUNCH, 11, Direction.UNKNOWN, 2_000_000));
        assembler.accept(gpuKernel(900, "silu", 2_000_500));
        assembler.accept(gpuCopy(900, Direction.D2H, 2_000_700));
        assembler.finish();

        assertThat(sink.kernels).extracting(KernelExec::getKernelName).containsExactlyInAnyOrder("scale", "silu");
        assertThat(sink.kernels).allSatisfy(k -> {
            assertThat(k.getHostCall()).isTrue();
            assertThat(k.getApiStartNs()).isEqualTo(2_000_000);
        });
        assertThat(sink.crossings).extracting(Crossing::getDirection).containsExactlyInAnyOrder(Direction.H2D,
                Direction.D2H);
        assertThat(sink.crossings).allSatisfy(c -> {
            assertThat(c.getHostCall()).isFalse();
            assertThat(c.getApiStartNs()).isEqualTo(c.getGpuStartNs());
        });
        assertThat(assembler.activitiesWithoutCallByReason()).isEqualTo(Map.of("launched by a CUDA graph", 2L));
        assertThat(assembler.callsWithoutActivity()).isZero();
    }

    @Test
    void shouldEmitAGraphLaunchWhoseWorkNeverCameWithHostTimesOnly() {
        cuptiOn();
        assembler.accept(call(AgentApi.CUDA_GRAPH_LAUNCH, 12, Direction.UNKNOWN, 3_000_000));
        assembler.finish();

        assertThat(sink.kernels).singleElement().satisfies(k -> {
            assertThat(k.getKernelName()).isEqualTo("cudaGraphLaunch");
            assertThat(k.getGpuStartNs()).isNull();
        });
        assertThat(assembler.callsWithoutActivity()).isEqualTo(1);
    }

    private void cuptiOn() {
        assembler.accept(new AgentRecord.Info(Map.of("agent_mode", "interposition+cupti", "cupti", "active")));
    }

    private static AgentRecord.Event call(AgentApi api, long correlation, Direction direction, long startNs) {
        return new AgentRecord.Event(false, api, direction, direction == Direction.UNKNOWN ? HostMemoryKind.UNKNOWN
                : HostMemoryKind.PINNED, 0, 1, 1, 0, true, 1, 5, correlation, direction == Direction.UNKNOWN ? 0
                : 4096, startNs, startNs + 50, List.of(), List.of(), "");
    }

    private static AgentRecord.Event gpuCopy(long cuptiCorrelation, Direction direction, long startNs) {
        return new AgentRecord.Event(true, AgentApi.GPU_MEMCPY, direction, HostMemoryKind.PINNED, 0, 1, 0, 0, false,
                1, 5, cuptiCorrelation, 4096, startNs, startNs + 100, List.of(), List.of(), "");
    }

    private static AgentRecord.Event gpuKernel(long cuptiCorrelation, String name, long startNs) {
        return new AgentRecord.Event(true, AgentApi.GPU_KERNEL, Direction.UNKNOWN, HostMemoryKind.UNKNOWN, 0, 1, 0, 0,
                false, 1, 5, cuptiCorrelation, 0, startNs, startNs + 100, List.of(1, 1, 1), List.of(32, 1, 1), name);
    }
}
