package io.bridgewatch.launcher;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.EventSink;
import io.bridgewatch.collector.sim.FleetSimulator;
import io.bridgewatch.collector.sim.GroundTruth;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StreamsApp;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.export.PipelineHealthMetrics;
import io.bridgewatch.streams.export.ResultMetrics;
import io.bridgewatch.streams.export.ResultTopicsReader;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole pipeline in one process: a Kafka cluster (embedded unless one is given), the streams-app, one collector
 * per simulated node fed by the fleet simulator, and a reader that prints what comes back from the result topics.
 */
final class Demo implements AutoCloseable {
    /** Result series not refreshed for this long leave the metrics endpoint (a node left, a cohort changed). */
    private static final Duration RESULTS_STALE_AFTER = Duration.ofMinutes(5);
    private static final java.util.Set<String> INPUT_TOPICS = java.util.Set.of(Topics.CROSSINGS, Topics.KERNELS,
            Topics.SERVING);
    private final DemoSettings settings;
    private final PrintStream out;
    private final Meter meter;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final FleetView view = new FleetView();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private FleetSimulator fleet;
    private StreamsApp streams;
    private String bootstrapServers;

    Demo(DemoSettings settings, PrintStream out, Meter meter) {
        this.settings = settings;
        this.out = out;
        this.meter = meter;
    }

    /** Starts every part; returns once the broker answers and the streams-app and collectors are up. */
    void start() {
        bootstrapServers = settings.bootstrapServers();
        if (bootstrapServers == null) {
            out.println("Starting the embedded Kafka broker (KRaft, single node)…");
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
            resources.add(0, broker);
            bootstrapServers = broker.bootstrapServers();
            out.println("Embedded Kafka broker ready at " + bootstrapServers);
        }
        provisionTopics();
        streams = new StreamsApp(new StreamsAppConfig(bootstrapServers,
                StreamsAppConfig.DEFAULT_APPLICATION_ID + "-demo-" + Long.toHexString(System.nanoTime()),
                tempDir("bridgewatch-streams-"), Math.min(4, Runtime.getRuntime().availableProcessors()),
                settings.topology()));
        streams.start();
        resources.add(0, streams);
        resources.add(0, new PipelineHealthMetrics(meter, streams.streams(), INPUT_TOPICS));
        ResultMetrics metrics = new ResultMetrics(meter, RESULTS_STALE_AFTER, java.time.Clock.systemUTC());
        resources.add(0, metrics);
        ResultTopicsReader exporter = new ResultTopicsReader(bootstrapServers,
                "bridgewatch-exporter-" + Long.toHexString(System.nanoTime()), ResultTopicsReader.RESULTS, metrics);
        Thread exporterThread = new Thread(exporter, "demo-results-exporter");
        exporterThread.setDaemon(true);
        exporterThread.start();
        resources.add(0, exporter);
        // The table reads every partition (a group of its own), including the serving samples.
        ResultTopicsReader reader = new ResultTopicsReader(bootstrapServers,
                "bridgewatch-demo-view-" + java.util.UUID.randomUUID(),
                List.of(Topics.NODES, Topics.BRIDGE_COST, Topics.SERVING, Topics.MITIGATION), view);
        Thread readerThread = new Thread(reader, "demo-results-reader");
        readerThread.setDaemon(true);
        readerThread.start();
        resources.add(0, reader);
        fleet = new FleetSimulator(settings.scenario(), settings.startEpochNs());
        out.println("Streams app started; simulating " + settings.scenario().nodes().size() + " nodes for "
                + settings.duration().toSeconds() + " s ("
                + (settings.pacing() == FleetSimulator.Pacing.REAL_TIME ? "real time" : "virtual time, as fast as the pipeline keeps up")
                + ")");
    }

    /** Runs the fleet for the configured duration, printing the table every refresh interval. */
    void run() throws InterruptedException {
        Map<String, Collector> collectors = new LinkedHashMap<>();
        for (var node : fleet.nodes()) {
            String id = node.info().getNodeId();
            collectors.put(id, new Collector(id, CollectorConfig.defaults(bootstrapServers, "collector-" + id),
                    meter));
        }
        Thread printer = new Thread(() -> printEvery(settings.refresh()), "demo-table");
        printer.setDaemon(true);
        printer.start();
        try {
            Map<String, EventSink> sinks = new LinkedHashMap<>();
            collectors.forEach((id, collector) -> sinks.put(id, settings.pacing() == FleetSimulator.Pacing.LOCKSTEP
                    ? new PipelinePacedSink(collector, streams.streams(), INPUT_TOPICS, stopping::get)
                    : collector));
            fleet.run(settings.duration(), settings.pacing(), sinks::get, () -> !stopping.get());
        } finally {
            for (Collector collector : collectors.values()) {
                collector.close();
            }
        }
        if (!stopping.get()) {
            // Let the last windows close: event time must pass their end plus grace on every partition.
            Thread.sleep(Duration.ofSeconds(3).toMillis());
        }
        printer.interrupt();
        out.print(FleetTable.render(view, "Bridgewatch — final view"));
        out.flush();
    }

    FleetView view() {
        return view;
    }

    Map<String, GroundTruth> groundTruth() {
        return fleet.groundTruth();
    }

    org.apache.kafka.streams.KafkaStreams.State streamsState() {
        return streams.state();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Asks a running demo to stop at the next slice (Ctrl-C). */
    void stop() {
        stopping.set(true);
    }

    private void printEvery(Duration refresh) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(refresh.toMillis());
                out.print(FleetTable.render(view, "Bridgewatch — bridge cost per node (latest closed 10 s window)"));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void provisionTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            int brokers = admin.describeCluster().nodes().get().size();
            new TopicProvisioner(admin, (short) Math.min(3, brokers)).ensure(Topics.all(Topics.DEFAULT_PARTITIONS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            resources.add(() -> deleteRecursively(dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                out.println("while shutting down: " + e.getMessage());
            }
        }
        resources.clear();
    }
}
