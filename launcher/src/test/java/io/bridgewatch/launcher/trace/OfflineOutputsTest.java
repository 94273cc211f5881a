package io.bridgewatch.launcher.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.input.TraceFacts;
import io.bridgewatch.collector.input.TraceNodeInfo;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.trace.TraceFormat;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.TopologyOutputs;
import io.bridgewatch.streams.TopologyOutputs.Output;
import io.bridgewatch.streams.offline.OfflinePipeline;
import io.bridgewatch.streams.offline.OfflinePipeline.Results;
import io.bridgewatch.streams.offline.ParallelPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run that produces some of the results produces exactly those of a run that produces all of them. */
class OfflineOutputsTest {
    private static final Path H200_TRACE = Path.of(System.getProperty("bridgewatch.repo.dir", ".."))
            .resolve("collector/src/test/resources/traces/h200-decode-trace.json.gz");

    @Test
    void shouldProduceTheSameResultsWhateverElseIsLeftOut() {
        TopologyConfig config = new TopologyConfig(Duration.ofSeconds(1), Duration.ofMinutes(10));
        try (OfflinePipeline all = new OfflinePipeline(config);
                OfflinePipeline costs = new OfflinePipeline(config, TopologyOutputs.of(Output.BRIDGE_COST));
                OfflinePipeline overTime = new OfflinePipeline(config,
                        TopologyOutputs.of(Output.CONCURRENCY, Output.PHASES));
                ParallelPipelines pipelines = new ParallelPipelines(List.of(all, costs, overTime))) {
            EventSink sink = pipelines.toAll();
            sink.nodeInfo(TraceNodeInfo.of("trace", TraceFacts.NONE, "analysis", CcMode.UNKNOWN, 0, Map.of()));
            TraceFormat.of(H200_TRACE).reader("trace").read(H200_TRACE, sink, TraceProgress.NONE);
            List<Results> results = pipelines.finish();
            Results everything = results.get(0);
            Results costsOnly = results.get(1);
            Results concurrencyAndPhases = results.get(2);

            assertThat(everything.costs()).isNotEmpty();
            assertThat(everything.concurrency()).isNotEmpty();
            assertThat(costsOnly.costs()).isEqualTo(everything.costs());
            assertThat(costsOnly.concurrency()).isEmpty();
            assertThat(costsOnly.phases()).isEmpty();
            assertThat(costsOnly.parity()).isEmpty();
            assertThat(concurrencyAndPhases.concurrency()).isEqualTo(everything.concurrency());
            assertThat(concurrencyAndPhases.phases()).isEqualTo(everything.phases());
            assertThat(concurrencyAndPhases.comparisons()).isEmpty();
            assertThat(concurrencyAndPhases.parity()).isEmpty();
            assertThat(costsOnly.deadLetters()).isEqualTo(everything.deadLetters());
            assertThat(concurrencyAndPhases.deadLetters()).isEqualTo(everything.deadLetters());
        }
    }
}
