package io.bridgewatch.launcher.bench;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.NodeSpec;
import io.bridgewatch.simulator.Scenario;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.offline.OfflinePipeline;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bridgewatch bench heap}: the heap one active node costs the topology. The default fleet, and the same fleet
 * copied {@code k} times (node ids suffixed), run through the offline pipeline (the streams-app's processors and
 * stores, all state in memory, the results it collects included); after a warm-up with every kind of window open,
 * the heap in use after a full collection is sampled every 5 s of fleet time. The slope between the two fleets is
 * the heap per active node; the small fleet's heap is the baseline measured in the same run.
 */
public final class HeapBenchmark {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private final PrintStream out;

    public HeapBenchmark(PrintStream out) {
        this.out = out;
    }

    record Figures(int nodes, long events, long medianHeapBytes) {
    }

    public void run(int copies, Duration warmup, Duration measured) throws InterruptedException {
        Scenario base = ScenarioLoader.loadDefault();
        long idleHeap = usedAfterFullGc();
        Figures small = measure(base, warmup, measured);
        Figures large = measure(base.timesOver(copies), warmup, measured);
        double perNode = (double) (large.medianHeapBytes() - small.medianHeapBytes())
                / (large.nodes() - small.nodes());
        out.println();
        out.printf("Heap per active node: offline pipeline, %d s of warm-up, median of %d samples over %d s%n",
                warmup.toSeconds(), measured.dividedBy(SAMPLE_EVERY), measured.toSeconds());
        out.printf("%-8s %12s %16s %16s%n", "nodes", "events", "heap after GC", "heap per node");
        out.printf("%-8s %12s %12.1f MiB %16s%n", "none", "", idleHeap / 1048576.0, "");
        for (Figures f : List.of(small, large)) {
            out.printf("%-8d %,12d %12.1f MiB %12.1f KiB%n", f.nodes(), f.events(), f.medianHeapBytes() / 1048576.0,
                    (f.medianHeapBytes() - idleHeap) / 1024.0 / f.nodes());
        }
        out.printf("slope %d -> %d nodes: %.1f KiB per active node (ratio of the large fleet's heap to the "
                + "baseline's: %.2fx for %dx the nodes)%n", small.nodes(), large.nodes(), perNode / 1024,
                (double) (large.medianHeapBytes() - idleHeap) / (small.medianHeapBytes() - idleHeap),
                large.nodes() / small.nodes());
    }

    private Figures measure(Scenario scenario, Duration warmup, Duration measured) throws InterruptedException {
        out.printf("%d nodes: %d s of fleet time…%n", scenario.nodes().size(), (warmup.plus(measured)).toSeconds());
        long startNs = System.currentTimeMillis() * 1_000_000L;
        List<Long> samples = new ArrayList<>();
        AtomicLong events = new AtomicLong();
        try (OfflinePipeline pipeline = new OfflinePipeline(TopologyConfig.DEFAULTS)) {
            EventSink counted = counting(pipeline, events);
            FleetSimulator fleet = new FleetSimulator(scenario, startNs);
            fleet.run(warmup, FleetSimulator.Pacing.VIRTUAL, node -> counted, () -> true);
            for (Duration at = Duration.ZERO; at.compareTo(measured) < 0; at = at.plus(SAMPLE_EVERY)) {
                fleet.run(SAMPLE_EVERY, FleetSimulator.Pacing.VIRTUAL, node -> counted, () -> true);
                samples.add(usedAfterFullGc());
            }
        }
        samples.sort(null);
        return new Figures(scenario.nodes().size(), events.get(), samples.get(samples.size() / 2));
    }

    private static EventSink counting(EventSink sink, AtomicLong events) {
        return new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
                sink.nodeInfo(info);
            }

            @Override
            public void crossing(Crossing crossing) {
                events.incrementAndGet();
                sink.crossing(crossing);
            }

            @Override
            public void kernel(KernelExec kernel) {
                events.incrementAndGet();
                sink.kernel(kernel);
            }

            @Override
            public void serving(ServingSample sample) {
                events.incrementAndGet();
                sink.serving(sample);
            }
        };
    }

    private static long usedAfterFullGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
