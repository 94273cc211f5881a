package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.serde.RecordSerializer;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StreamsApp;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.export.ResultHandler;
import io.bridgewatch.streams.export.ResultTopicsReader;
import io.bridgewatch.streams.offline.EndOfInput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * After an import into the embedded broker (which lives only as long as the command), runs the streams-app over the
 * imported node and prints its results. The input is finite, so it ends with the {@link EndOfInput} watermark on
 * every partition of the node inputs (stream time is per partition); only a private broker gets one. The watermark's
 * own first window closes after every window of the node on its partition, and a partition's results are committed
 * in order, so once the watermark's result has come from every partition, the node's results are all there.
 */
final class EmbeddedImportResults {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private EmbeddedImportResults() {
    }

    static void run(String bootstrapServers, String nodeId, long lastEventNs, PrintStream out)
            throws InterruptedException {
        TopologyConfig topology = TopologyConfig.DEFAULTS;
        List<BridgeCostWindow> costs = new CopyOnWriteArrayList<>();
        List<ConcurrencyWindow> concurrency = new CopyOnWriteArrayList<>();
        long[] watermark = EndOfInput.instantsMs(topology, lastEventNs / 1_000_000L);
        long watermarkWindowNs = Math.floorDiv(watermark[0], topology.nodeWindow().toMillis())
                * topology.nodeWindow().toMillis() * 1_000_000L;
        // Done when every watermark node (they cover every partition) has closed its first window.
        java.util.Set<String> watermarkNodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
        watermarkNodes.addAll(EndOfInput.nodesCovering(partitions(bootstrapServers)));
        CountDownLatch watermarkSeen = new CountDownLatch(watermarkNodes.size());
        ResultHandler handler = new ResultHandler() {
            @Override
            public void cost(BridgeCostWindow window) {
                if (window.getNodeId().toString().equals(nodeId)) {
                    costs.add(window);
                } else if (window.getWindowStartNs() == watermarkWindowNs
                        && watermarkNodes.remove(window.getNodeId().toString())) {
                    watermarkSeen.countDown();
                }
            }

            @Override
            public void concurrency(ConcurrencyWindow window) {
                if (window.getNodeId().toString().equals(nodeId) && window.getContextId() == null) {
                    concurrency.add(window);
                }
            }
        };
        try (StreamsApp streams = new StreamsApp(new StreamsAppConfig(bootstrapServers, "bridgewatch-import",
                    tempDir(), 1, topology));
                ResultTopicsReader reader = new ResultTopicsReader(bootstrapServers, "bridgewatch-import-results",
                    List.of(Topics.BRIDGE_COST, Topics.CONCURRENCY), handler)) {
            streams.start();
            Thread readerThread = new Thread(reader, "import-results-reader");
            readerThread.setDaemon(true);
            readerThread.start();
            EndOfInputWatermark.send(bootstrapServers, watermark);
            out.println("Running the streams-app over the imported node…");
            if (!watermarkSeen.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                out.println("The streams-app did not finish within " + WAIT.toSeconds() + " s; what came so far:");
            }
            print(out, nodeId, costs, concurrency);
        }
    }

    private static int partitions(String bootstrapServers) {
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrapServers)) {
            return producer.partitionsFor(Topics.CROSSINGS).size();
        }
    }

    private static KafkaProducer<String, SpecificRecord> producer(String bootstrapServers) {
        return new KafkaProducer<>(Collector.producerProperties(CollectorConfig.defaults(bootstrapServers,
                "bridgewatch-end-of-input")), new StringSerializer(), new RecordSerializer());
    }

    private static void print(PrintStream out, String nodeId, List<BridgeCostWindow> costs,
            List<ConcurrencyWindow> concurrency) {
        if (costs.isEmpty()) {
            out.println("No result for " + nodeId + " within " + WAIT.toSeconds() + " s.");
            return;
        }
        out.println("\nBridge cost of " + nodeId + " per 10 s window (topic " + Topics.BRIDGE_COST + ")");
        out.println(String.format(Locale.ROOT, "  %-24s %-4s %-9s %8s %10s %10s %10s %11s", "window start (UTC)",
                "dir", "host mem", "count", "p50", "p99", "toll", "bandwidth"));
        costs.stream().sorted(Comparator.comparing(BridgeCostWindow::getWindowStartNs)
                .thenComparing(c -> c.getDirection().ordinal()).thenComparing(c -> c.getHostMemory().ordinal()))
                .forEach(c -> out.println(String.format(Locale.ROOT, "  %-24s %-4s %-9s %8d %10s %10s %10s %11s",
                        Instant.ofEpochSecond(0, c.getWindowStartNs()), c.getDirection(), c.getHostMemory(),
                        c.getCrossings(), TraceReportWriter.seconds(c.getCostP50S()),
                        TraceReportWriter.seconds(c.getCostP99S()), TraceReportWriter.seconds(c.getTollS()),
                        TraceReportWriter.bandwidth(c.getBandwidthBytesPerS()))));
        out.println("\nCopy concurrency per GPU (topic " + Topics.CONCURRENCY + ")");
        concurrency.stream().sorted(Comparator.comparing(ConcurrencyWindow::getWindowStartNs))
                .forEach(c -> out.println(String.format(Locale.ROOT, "  %-24s gpu %d: %d copies, C = %s",
                        Instant.ofEpochSecond(0, c.getWindowStartNs()), c.getGpuIndex(), c.getCopies(),
                        c.getCopyConcurrencyIndex() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                                c.getCopyConcurrencyIndex()))));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("bridgewatch-import-streams");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
