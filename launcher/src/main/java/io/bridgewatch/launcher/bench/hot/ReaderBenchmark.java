package io.bridgewatch.launcher.bench.hot;

import io.bridgewatch.collector.agent.AgentTraceReader;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceSummary;
import io.bridgewatch.collector.trace.KinetoTraceReader;
import io.bridgewatch.schema.EventSink;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The readers over the H200 recordings kept in the repository (paths relative to its root): a whole file read
 * into a sink that drops the events, per file; the report's events per file turn it into events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReaderBenchmark {
    @Param("collector/src/test/resources/traces/h200-decode-trace.json.gz")
    public String kinetoTrace;

    @Param("collector/src/test/resources/agent/workload-cupti.bwr.gz")
    public String agentRecords;

    @Benchmark
    public TraceSummary kinetoTrace() {
        return new KinetoTraceReader("n").read(Path.of(kinetoTrace), EventSink.discarding(), TraceProgress.NONE);
    }

    @Benchmark
    public TraceSummary agentRecords() {
        return new AgentTraceReader("n").read(Path.of(agentRecords), EventSink.discarding(), TraceProgress.NONE);
    }
}
