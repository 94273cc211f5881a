package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.schema.Crossing;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * The agent's records from the H200 (see src/test/resources/agent/README.md) against torch.profiler's trace of the
 * same run: the same copies, and the same host-side latencies.
 */
class AgentFixtureTest {

    @Test
    void shouldSeeTheCopiesTheProfilerSawWithTheSameHostLatency() throws Exception {
        CapturingSink agent = new CapturingSink();
        new AgentTraceReader("h200").read(resource("fixture-interposition.bwr.gz"), agent, TraceProgress.NONE);
        CapturingSink profiler = new CapturingSink();
        new KinetoTraceReader("h200").read(resource("fixture-kineto.json.gz"), profiler, TraceProgress.NONE);

        // The agent also saw the warm-up steps, before the profiler started: compare the profiler's window.
        long from = profiler.crossings.stream().mapToLong(Crossing::getApiStartNs).min().orElseThrow();
        long to = profiler.crossings.stream().mapToLong(Crossing::getApiEndNs).max().orElseThrow();
        List<Crossing> windowed = agent.crossings.stream()
                .filter(c -> c.getApiStartNs() >= from - 1_000_000 && c.getApiEndNs() <= to + 1_000_000).toList();

        Map<String, Long> expected = countByPath(profiler.crossings);
        assertThat(expected).isEqualTo(Map.of("H2D PAGEABLE", 360L, "H2D PINNED", 180L, "D2H PAGEABLE", 180L));
        assertThat(countByPath(windowed)).isEqualTo(expected);
        assertThat(agent.crossings).hasSize(780); // 195 steps, 4 copies each: 15 of them warm-up

        // Host time of each copy call: the agent times the runtime call (cudaMemcpyAsync) as the profiler does.
        double agentMedian = medianHostMicros(windowed);
        double profilerMedian = medianHostMicros(profiler.crossings);
        assertThat(agentMedian).isCloseTo(profilerMedian, Percentage.withPercentage(10));
        for (String path : expected.keySet()) {
            assertThat(medianHostMicros(onPath(windowed, path))).as(path)
                    .isCloseTo(medianHostMicros(onPath(profiler.crossings, path)),
                            Percentage.withPercentage(15));
        }
    }

    @Test
    void shouldJoinEveryCallToItsGpuActivityInCuptiMode() throws Exception {
        CapturingSink capture = new CapturingSink();
        TraceSummary summary = new AgentTraceReader("h200").read(resource("fixture-cupti.bwr.gz"), capture,
                TraceProgress.NONE);

        assertThat(summary.damage()).isNull();
        assertThat(summary.unmatchedGpuActivities()).isZero();
        assertThat(summary.unmatchedHostCalls()).isZero();
        assertThat(capture.crossings).hasSize(300).allSatisfy(c -> {
            assertThat(c.getGpuStartNs()).as("GPU timestamps").isNotNull();
            // The copy starts on the GPU after its call began (same clock), within a millisecond.
            assertThat(c.getGpuStartNs() - c.getApiStartNs()).isBetween(0L, 1_000_000L);
            assertThat(c.getGpuEndNs()).isGreaterThan(c.getGpuStartNs());
        });
        assertThat(countByPath(capture.crossings)).isEqualTo(Map.of("H2D PAGEABLE", 150L, "H2D PINNED", 75L,
                "D2H PAGEABLE", 75L));
        assertThat(capture.kernels).hasSize(1819).allSatisfy(k -> assertThat(k.getGpuEndNs()).isNotNull());
        assertThat(capture.kernels).anySatisfy(k -> assertThat(k.getKernelName()).startsWith("nvjet"));
        assertThat(summary.facts().gpuSku()).isEqualTo("NVIDIA H200");
        assertThat(summary.facts().ccMode()).isEqualTo("OFF");
        assertThat(summary.facts().driverVersion()).isEqualTo("580.159.04");
        assertThat(summary.facts().labels()).containsEntry("cupti", "active")
                .containsEntry("agent_mode", "interposition+cupti");
    }

    private static Map<String, Long> countByPath(List<Crossing> crossings) {
        return crossings.stream().collect(Collectors.groupingBy(AgentFixtureTest::path, TreeMap::new,
                Collectors.counting()));
    }

    private static String path(Crossing c) {
        return c.getDirection() + " " + c.getHostMemory();
    }

    private static List<Crossing> onPath(List<Crossing> crossings, String path) {
        return crossings.stream().filter(c -> path(c).equals(path)).toList();
    }

    private static double medianHostMicros(List<Crossing> crossings) {
        double[] micros = crossings.stream().mapToDouble(c -> (c.getApiEndNs() - c.getApiStartNs()) / 1e3).sorted()
                .toArray();
        int n = micros.length;
        return n % 2 == 1 ? micros[n / 2] : (micros[n / 2 - 1] + micros[n / 2]) / 2;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(AgentFixtureTest.class.getResource("/agent/" + name).toURI());
    }
}
