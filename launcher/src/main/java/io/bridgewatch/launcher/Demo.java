package io.bridgewatch.launcher;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.GroundTruth;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.export.ResultTopicsReader;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole pipeline in one process, composed of the same services a fleet runs: a Kafka cluster (embedded unless
 * one is given), {@code N} streams-app instances ({@link StreamsService}), the simulated fleet with one collector
 * per node ({@link SimulatedFleet}), and a reader that prints what comes back from the result topics.
 */
final class Demo implements AutoCloseable {
    private final DemoSettings settings;
    private final PrintStream out;
    private final Meter meter;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final FleetView view = new FleetView();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<StreamsService> instances = new ArrayList<>();
    private SimulatedFleet fleet;
    private String bootstrapServers;

    Demo(DemoSettings settings, PrintStream out, Meter meter) {
        this.settings = settings;
        this.out = out;
        this.meter = meter;
    }

    /** Starts every part; returns once the broker answers and the streams instances and collectors are up. */
    void start() {
        bootstrapServers = settings.bootstrapServers();
        if (bootstrapServers == null) {
            out.println("Starting the embedded Kafka broker (KRaft, single node)…");
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
            resources.add(0, broker);
            bootstrapServers = broker.bootstrapServers();
            out.println("Embedded Kafka broker ready at " + bootstrapServers);
        }
        String applicationId = StreamsAppConfig.DEFAULT_APPLICATION_ID + "-demo-" + Long.toHexString(System.nanoTime());
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()) / settings.streamsInstances());
        int standbys = settings.streamsInstances() > 1 ? 1 : 0;
        for (int i = 0; i < settings.streamsInstances(); i++) {
            StreamsAppConfig app = new StreamsAppConfig(bootstrapServers, applicationId, tempDir("bridgewatch-streams-"),
                    threads, settings.topology());
            int port = settings.httpPort() == 0 ? 0 : settings.httpPort() + i;
            StreamsService instance = new StreamsService(StreamsServiceConfig.of(app, settings.partitions(), standbys,
                    "127.0.0.1", port), meter, Clock.systemUTC());
            resources.add(0, instance);
            instance.start();
            instances.add(instance);
            out.println("Streams instance " + (i + 1) + " of " + settings.streamsInstances() + ": query API at "
                    + instance.queryUrl() + "/v1/nodes/{node}/windows");
        }
        // The table reads every partition (a group of its own), including the serving samples.
        ResultTopicsReader reader = new ResultTopicsReader(bootstrapServers, "bridgewatch-demo-view-" + UUID.randomUUID(),
                List.of(Topics.NODES, Topics.BRIDGE_COST, Topics.SERVING, Topics.MITIGATION), view);
        Thread readerThread = new Thread(reader, "demo-results-reader");
        readerThread.setDaemon(true);
        readerThread.start();
        resources.add(0, reader);
        fleet = new SimulatedFleet(settings.scenario(), settings.startEpochNs(),
                CollectorConfig.defaults(bootstrapServers, "collector"), meter);
        resources.add(0, fleet);
        out.println("Simulating " + fleet.nodeCount() + " nodes for " + settings.duration().toSeconds() + " s ("
                + (settings.pacing() == FleetSimulator.Pacing.REAL_TIME ? "real time"
                        : "virtual time, as fast as the pipeline keeps up") + ")");
    }

    /** Runs the fleet for the configured duration, printing the table every refresh interval. */
    void run() throws InterruptedException {
        Thread printer = new Thread(() -> printEvery(settings.refresh()), "demo-table");
        printer.setDaemon(true);
        printer.start();
        try {
            fleet.run(settings.duration(), settings.pacing(), this::inputLag, () -> !stopping.get());
        } finally {
            fleet.close();
        }
        if (!stopping.get()) {
            awaitInputRead(Duration.ofSeconds(10));
        }
        printer.interrupt();
        out.print(FleetTable.render(view, "Bridgewatch — final view"));
        out.flush();
    }

    /** Waits until the streams instances have read every event sent (or the timeout passes). */
    private void awaitInputRead(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inputLag() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private long inputLag() {
        return instances.stream().mapToLong(StreamsService::inputLag).sum();
    }

    FleetView view() {
        return view;
    }

    Map<String, GroundTruth> groundTruth() {
        return fleet.groundTruth();
    }

    List<StreamsService> instances() {
        return List.copyOf(instances);
    }

    KafkaStreams.State streamsState() {
        return instances.get(0).streams().state();
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
