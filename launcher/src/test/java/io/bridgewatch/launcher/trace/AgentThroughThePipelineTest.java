package io.bridgewatch.launcher.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.collector.agent.AgentTraceReader;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.collector.input.TraceNodeInfo;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.streams.offline.OfflinePipeline;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The agent's H200 records (collector/src/test/resources/agent) replayed through the topology: per (direction, host
 * memory kind), the copies it reports match those torch.profiler traced in the same run.
 */
class AgentThroughThePipelineTest {
    private static final Path FIXTURES = Path.of(System.getProperty("bridgewatch.repo.dir", "..")).resolve(
            "collector/src/test/resources/agent");

    /** Passes on the events that fall in a time window (the profiler's), drops the rest. */
    private record Window(EventSink target, long fromNs, long toNs) implements EventSink {
        @Override
        public void nodeInfo(NodeInfo info) {
            target.nodeInfo(info);
        }

        @Override
        public void crossing(Crossing c) {
            if (c.getApiStartNs() >= fromNs && c.getApiEndNs() <= toNs) {
                target.crossing(c);
            }
        }

        @Override
        public void kernel(KernelExec k) {
            if (k.getApiStartNs() >= fromNs && k.getApiEndNs() <= toNs) {
                target.kernel(k);
            }
        }

        @Override
        public void serving(ServingSample sample) {
            target.serving(sample);
        }
    }

    @Test
    void shouldCountTheCopiesTheProfilerSawPerDirectionAndHostMemory() throws Exception {
        TraceSummary profiled;
        long[] window = {Long.MAX_VALUE, Long.MIN_VALUE};
        Map<String, Long> expected = new TreeMap<>();
        EventSink kineto = new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
            }

            @Override
            public void crossing(Crossing c) {
                window[0] = Math.min(window[0], c.getApiStartNs());
                window[1] = Math.max(window[1], c.getApiEndNs());
                expected.merge(c.getDirection() + " " + c.getHostMemory(), 1L, Long::sum);
            }

            @Override
            public void kernel(KernelExec k) {
            }

            @Override
            public void serving(ServingSample sample) {
            }
        };
        profiled = new KinetoTraceReader("profiler").read(FIXTURES.resolve("fixture-kineto.json.gz"), kineto,
                TraceProgress.NONE);
        assertThat(profiled.crossings()).isEqualTo(720);

        OfflinePipeline.Results results;
        try (OfflinePipeline pipeline = new OfflinePipeline(TraceAnalysis.wholeTraceConfig())) {
            pipeline.nodeInfo(TraceNodeInfo.of("agent", TraceFacts.NONE, "NVIDIA H200", CcMode.OFF, 0, Map.of()));
            new AgentTraceReader("agent").read(FIXTURES.resolve("fixture-interposition.bwr.gz"),
                    new Window(pipeline, window[0] - 1_000_000, window[1] + 1_000_000), TraceProgress.NONE);
            results = pipeline.finish();
        }

        // Interposition alone is the CPU-only form: every copy was an async call (async_calls counts them all,
        // charged or not); pageable ones were dated by the stream synchronization after them, and charged.
        Map<String, Long> asyncCalls = new TreeMap<>();
        for (BridgeCostWindow row : results.costs()) {
            assertThat(row.getForm()).isEqualTo(CostForm.CPU_ONLY);
            asyncCalls.merge(row.getDirection() + " " + row.getHostMemory(), row.getAsyncCalls(), Long::sum);
            if (row.getHostMemory().name().equals("PAGEABLE")) {
                assertThat(row.getCrossings()).as("charged").isEqualTo(row.getAsyncCalls());
            }
        }
        assertThat(asyncCalls).isEqualTo(expected).isEqualTo(Map.of("H2D PAGEABLE", 360L, "H2D PINNED", 180L,
                "D2H PAGEABLE", 180L));
    }
}
