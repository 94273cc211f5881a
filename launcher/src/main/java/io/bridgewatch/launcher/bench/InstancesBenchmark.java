package io.bridgewatch.launcher.bench;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.launcher.service.ConsumerGroupLag;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Scale-out on one machine: the same simulated events, produced once to the embedded broker, processed by 1, 2, ...
 * streams instances of fresh applications in this process (no standbys), each timed from start until its
 * consumer group has committed every input record. Prints events/s per instance count and the ratio against one
 * instance (the baseline, measured in the same run).
 */
final class InstancesBenchmark {
    private final PrintStream out;

    InstancesBenchmark(PrintStream out) {
        this.out = out;
    }

    void run(Duration fleetDuration, int maxInstances, int partitions) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.all(partitions));
            }
            long startNs = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
            long events;
            try (SimulatedFleet fleet = new SimulatedFleet(ScenarioLoader.loadDefault(), startNs,
                    CollectorConfig.defaults(bootstrap, "bench-fleet"), OpenTelemetry.noop().getMeter("bench"))) {
                fleet.run(fleetDuration, FleetSimulator.Pacing.VIRTUAL, null, () -> true);
                fleet.close();
                events = fleet.stats().sent();
            }
            out.printf("%d events (%d s of the default 12-node fleet) on %d partitions; %d cores%n", events,
                    fleetDuration.toSeconds(), partitions, Runtime.getRuntime().availableProcessors());
            out.printf("%-10s %12s %12s %10s %14s%n", "instances", "seconds", "events/s", "ratio", "peak heap MiB");
            double baseline = 0;
            for (int n = 1; n <= maxInstances; n++) {
                Result result = timeInstances(bootstrap, "bench-instances-" + n, n, partitions);
                double rate = events / result.seconds();
                baseline = n == 1 ? rate : baseline;
                out.printf("%-10d %12.1f %12.0f %9.2fx %14d%n", n, result.seconds(), rate, rate / baseline,
                        result.peakHeapBytes() >> 20);
            }
        }
    }

    private record Result(double seconds, long peakHeapBytes) {
    }

    private Result timeInstances(String bootstrap, String application, int count, int partitions) throws Exception {
        List<StreamsService> instances = new ArrayList<>();
        System.gc();
        try (HeapSampler heap = new HeapSampler();
                ConsumerGroupLag lag = new ConsumerGroupLag(bootstrap, application, StreamsService.INPUT_TOPICS)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                StreamsAppConfig app = new StreamsAppConfig(bootstrap, application,
                        Files.createTempDirectory("bw-bench-"), 1, TopologyConfig.DEFAULTS);
                StreamsService instance = new StreamsService(StreamsServiceConfig.of(app, partitions, 0, "127.0.0.1",
                        0), OpenTelemetry.noop().getMeter("bench"), Clock.systemUTC());
                instance.start();
                instances.add(instance);
            }
            while (lagOrUnknown(lag) != 0) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(seconds, heap.peakBytes());
        } finally {
            instances.forEach(StreamsService::close);
        }
    }

    private static long lagOrUnknown(ConsumerGroupLag lag) throws InterruptedException {
        try {
            return lag.lag();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }
}
