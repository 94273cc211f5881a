package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.serde.SchemaDecodingException;
import io.bridgewatch.streams.offline.OfflinePipeline;
import io.bridgewatch.streams.offline.OfflinePipeline.Results;
import io.bridgewatch.streams.offline.ParallelPipelines;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelPipelinesTest {
    private static final TopologyConfig CONFIG = new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5));

    /**
     * 30 s of a node's copies and kernels (many hand-overs' worth) into {@code sink}, then a second node's few into
     * {@code firstOnly} when given.
     */
    private static void feed(EventSink sink, EventSink firstOnly) {
        sink.nodeInfo(TestEvents.node("n1", CcMode.ON));
        for (long i = 0; i < 6_000; i++) {
            long a = T0 + i * 5 * MS;
            sink.crossing(TestEvents.copy(a, a + 20 * US, a + 30 * US, a + 50 * US, 4096 + i).build());
            sink.kernel(TestEvents.kernel(a + 60 * US, a + 70 * US, a + 400 * US).build());
        }
        if (firstOnly == null) {
            return;
        }
        firstOnly.nodeInfo(TestEvents.node("n2", CcMode.OFF));
        for (long i = 0; i < 10; i++) {
            long a = T0 + i * S;
            firstOnly.crossing(TestEvents.copy(a, a + 20 * US, a + 30 * US, a + 50 * US, 1 << 20).setNodeId("n2")
                    .build());
        }
    }

    @Test
    void shouldGiveEachPipelineTheResultsItGivesDrivenOnTheCallersThread() {
        Results direct;
        try (OfflinePipeline pipeline = new OfflinePipeline(CONFIG)) {
            feed(pipeline, pipeline);
            direct = pipeline.finish();
        }
        Results otherDirect;
        try (OfflinePipeline pipeline = new OfflinePipeline(CONFIG)) {
            feed(pipeline, null);
            otherDirect = pipeline.finish();
        }

        List<Results> parallel;
        try (OfflinePipeline first = new OfflinePipeline(CONFIG);
                OfflinePipeline second = new OfflinePipeline(CONFIG);
                ParallelPipelines both = new ParallelPipelines(List.of(first, second))) {
            feed(both.toAll(), both.only(0));
            parallel = both.finish();
        }

        assertThat(direct.costs()).extracting(c -> c.getNodeId()).contains("n1", "n2");
        assertThat(direct.concurrency()).isNotEmpty();
        assertThat(parallel.get(0)).isEqualTo(direct);
        assertThat(parallel.get(1)).isEqualTo(otherDirect);
        assertThat(otherDirect.costs()).extracting(c -> c.getNodeId()).containsOnly("n1");
    }

    @Test
    void shouldThrowAFailedPipelinesErrorToTheCaller() {
        NodeInfo unwritable = new NodeInfo(); // its facts missing: the pipeline cannot encode it
        unwritable.setNodeId("n1");
        try (OfflinePipeline pipeline = new OfflinePipeline(CONFIG);
                ParallelPipelines pipelines = new ParallelPipelines(List.of(pipeline))) {
            assertThatThrownBy(() -> {
                EventSink sink = pipelines.toAll();
                sink.nodeInfo(unwritable);
                feed(sink, null);
                pipelines.finish();
            }).isInstanceOf(SchemaDecodingException.class).hasMessageContaining("cannot encode NodeInfo");
        }
    }
}
