package io.bridgewatch.collector.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.TopicSnapshot;
import io.bridgewatch.schema.topics.Topics;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's spool against a real broker that goes away: nothing lost and each node's order kept through an
 * outage, the oldest given up (and counted) when the spool fills, and what a killed collector had spooled sent by
 * the next one. The outage lasts {@code -Dbridgewatch.outage.seconds} (20 s by default; 600 for the note's run).
 */
class SpoolOutageIT {
    private static final long OUTAGE_SECONDS = Long.getLong("bridgewatch.outage.seconds", 20);
    private EmbeddedKafkaBroker broker;
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();

    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.all(2));
        }
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void shouldLoseNothingThroughAnOutageAndKeepTheNodesOrder() throws Exception {
        CollectorStats stats;
        long drainMs;
        long peakSpooled = 0;
        try (Collector collector = collector("cvm-1", 256L << 20)) {
            for (int i = 0; i < 5_000; i++) {
                collector.crossing(event("cvm-1", i));
            }
            collector.flush();
            broker.stop();
            // Through the outage the source keeps going at ~1,000 events/s and is never refused.
            long outageEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS);
            int next = 5_000;
            while (System.nanoTime() < outageEnd) {
                for (int i = 0; i < 100; i++) {
                    collector.crossing(event("cvm-1", next++));
                }
                peakSpooled = Math.max(peakSpooled, collector.stats().unacknowledged());
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long restart = System.nanoTime();
            broker.restart();
            collector.flush();
            drainMs = (System.nanoTime() - restart) / 1_000_000;
            stats = collector.stats();
        }
        List<Long> received = correlationIds("cvm-1");
        System.out.printf("spool outage: %d s, %,d events accepted, %,d spooled at most, %,d received, drained %d ms"
                + " after the broker was back, %d dropped, %d failed%n", OUTAGE_SECONDS, stats.accepted(),
                peakSpooled, received.size(), drainMs, stats.dropped(), stats.failed());
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(received).as("every event once, in the node's order").hasSize((int) stats.accepted());
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }

    @Test
    void shouldGiveUpTheOldestWhenTheSpoolIsFullAndCountThem() throws Exception {
        broker.stop();
        CollectorStats stats;
        long droppedMetric;
        try (Collector collector = collector("cvm-2", 1L << 20)) {
            for (int i = 0; i < 30_000; i++) {
                collector.crossing(event("cvm-2", i));
                if (i % 1_000 == 0) {
                    TimeUnit.MILLISECONDS.sleep(5); // let the sender keep up with the in-memory queue
                }
            }
            while (collector.stats().queueDepth() > 0) {
                TimeUnit.MILLISECONDS.sleep(10); // all on disk (or dropped from it) before the cluster is back
            }
            broker.restart();
            collector.flush();
            stats = collector.stats();
            droppedMetric = metrics.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals("bridgewatch_collector_events_dropped"))
                    .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue).sum();
        }
        List<Long> received = correlationIds("cvm-2");
        System.out.printf("spool full: 1 MiB spool, %,d events, %,d dropped (the oldest), %,d received%n",
                stats.accepted(), stats.dropped(), received.size());
        assertThat(stats.dropped()).isPositive();
        assertThat(droppedMetric).isEqualTo(stats.dropped());
        assertThat(received).hasSize((int) (stats.accepted() - stats.dropped()));
        assertThat(received.get(received.size() - 1)).as("the newest are kept").isEqualTo(29_999);
        // In order, each once; a dropped event already in the producer's hands may still have made it.
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i)).isGreaterThan(received.get(i - 1));
        }
        assertThat(received.subList(received.size() - 5_000, received.size()))
                .as("the newest 5,000 without a gap").first().isEqualTo(25_000L);
    }

    @Test
    void shouldSendWhatAKilledCollectorHadSpooled() throws Exception {
        broker.stop();
        Path spool = dir.resolve("spool");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SpoolingCollectorProcess.class.getName(), broker.bootstrapServers(), spool.toString(), "cvm-3",
                "20000")).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("SPOOLED")) {
                // the child's log
            }
            assertThat(line).as("the child spooled its events").startsWith("SPOOLED");
        }
        child.destroyForcibly(); // kill -9: no close, no flush
        child.waitFor(30, TimeUnit.SECONDS);
        assertThat(Files.list(spool).count()).isPositive();

        broker.restart();
        try (Collector next = new Collector("cvm-3", new CollectorConfig(broker.bootstrapServers(), 1_000,
                Duration.ofSeconds(60), "next").withSpool(CollectorConfig.Spool.of(spool, 64L << 20)),
                SdkMeterProvider.builder().build().get("t"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (next.stats().sent() < 20_000 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        List<Long> received = correlationIds("cvm-3");
        assertThat(received).as("all 20,000 spooled events, once, in order").hasSize(20_000);
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }

    private Collector collector(String node, long spoolBytes) {
        CollectorConfig config = new CollectorConfig(broker.bootstrapServers(), 100_000, Duration.ofSeconds(120),
                "spool-it").withSpool(CollectorConfig.Spool.of(dir.resolve(node), spoolBytes));
        return new Collector(node, config, SdkMeterProvider.builder().registerMetricReader(metrics).build()
                .get("test"));
    }

    /** The event with sequence number {@code i} of a node (its correlation id). */
    static Crossing event(String node, long i) {
        long at = 1_767_225_600_000_000_000L + i * 1_000_000L;
        return Crossing.newBuilder().setNodeId(node).setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(i).setApi("cudaMemcpyAsync").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(4096).setAsyncRequested(true).setApiStartNs(at)
                .setApiEndNs(at + 10_000).setGpuStartNs(at + 5_000).setGpuEndNs(at + 300_000).setStatusCode(0)
                .build();
    }

    /** The correlation ids of a node's crossings on the topic, in offset order. */
    private List<Long> correlationIds(String node) {
        List<Long> ids = new ArrayList<>();
        TopicSnapshot.readEvents(broker.bootstrapServers(), (key, event) -> {
            if (node.equals(key) && event instanceof Crossing crossing) {
                ids.add(crossing.getCorrelationId());
            }
        });
        return ids;
    }
}
