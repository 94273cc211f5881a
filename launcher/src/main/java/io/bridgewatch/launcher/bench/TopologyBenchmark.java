package io.bridgewatch.launcher.bench;

import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.TopicSpec;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code bridgewatch bench topology}: the Bridgewatch topology against a minimal windowed count over the same
 * input (node event batches, as collectors send them), on the embedded broker, in one run.
 *
 * <p>Throughput: the simulated fleet's events are loaded first; each topology then starts from the beginning and
 * the clock runs until its committed offsets reach the end of every input partition: a warm-up pass (the JIT
 * compiler took a third of the two cores through the first pass over a few million events), then the measured
 * passes, the two topologies in turn, each pass a fresh application (the figures are each one's median); "running"
 * counts from its first
 * RUNNING state, leaving out the start (rebalance, internal topics), which differs by the stores a topology has and
 * dominates small backlogs. Latency: each topology then
 * runs on live input (the fleet sped up, by default to a load well below either's capacity, read from the end of the
 * topics, so that latency is the pipeline's, not a backlog's); a window's result is
 * timed from the hand-over of the first event past the window's end plus grace (the event that lets it close) to its
 * arrival on the result topic (read committed). End to end: the live events over the time from the first send until
 * the topology has processed and committed the last (a topology that falls behind the offered rate pays for it
 * there). Heap: the peak heap in use while the topology processes the
 * backlog (this JVM also runs the broker and the loader).
 */
public final class TopologyBenchmark {
    private static final Set<String> INPUTS = Set.of(Topics.NODE_EVENTS, Topics.SERVING);
    /**
     * How far before now the simulated fleet's time starts: a backlog runs ahead of the clock (20 M events are 78
     * minutes of the 12 nodes), and brokers refuse records stamped more than an hour ahead
     * ({@code log.message.timestamp.after.max.ms}); 12 hours hold 180 M events of the default fleet.
     */
    private static final Duration FLEET_HEAD_START = Duration.ofHours(12);
    /** How long a live run's topology may take, after the last send, to process and commit what was sent. */
    private static final Duration LIVE_CATCH_UP = Duration.ofSeconds(60);
    private final PrintStream out;

    public TopologyBenchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * What one topology achieved: events per second from its start, and from its first RUNNING state (after the
     * group's rebalance and its internal topics' creation, a fixed cost that dominates small backlogs).
     */
    record Figures(String name, double eventsPerSecond, double seconds, double startupSeconds, long peakHeapBytes,
            Histogram latencyMicros) {
        /** NaN when the run was over before its RUNNING state was seen. */
        double runningEventsPerSecond(long events) {
            return seconds > startupSeconds ? events / (seconds - startupSeconds) : Double.NaN;
        }
    }

    /**
     * @param passes measured passes over the backlog per topology, the two in turn (the median counts: run to run,
     *     either moves by 10-20% on a shared machine)
     */
    public void run(long events, Duration liveRun, double liveSpeed, int fleetCopies, int passes) throws Exception {
        out.println("Starting the embedded Kafka broker…");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
            String kafka = broker.bootstrapServers();
            List<TopicSpec> topics = new ArrayList<>(Topics.all(Topics.DEFAULT_PARTITIONS));
            topics.add(new TopicSpec(MinimalTopology.OUTPUT, Topics.DEFAULT_PARTITIONS, Map.of()));
            new TopicProvisioner(admin, (short) 1).ensure(topics);
            long fleetStartNs = (System.currentTimeMillis() - FLEET_HEAD_START.toMillis()) * 1_000_000L;
            FleetSimulator fleet = new FleetSimulator(ScenarioLoader.loadDefault().timesOver(fleetCopies),
                    fleetStartNs);
            try (EventLoader loader = new EventLoader(fleet, kafka, true)) {
                long loadStart = System.nanoTime();
                long loaded = loader.loadAtLeast(events);
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                out.printf("Loaded %,d events of %d simulated nodes (%.0f s of fleet time) in %.1f s.%n", loaded,
                        fleet.nodes().size(), (fleet.simulatedNs() - fleetStartNs) / 1e9, loadSeconds);
                List<Candidate> candidates = List.of(Candidate.minimal(), Candidate.bridgewatch());
                for (Candidate candidate : candidates) {
                    throughput(candidate, kafka, admin, loaded, "warm-up");
                }
                List<List<Figures>> passFigures = new ArrayList<>();
                candidates.forEach(candidate -> passFigures.add(new ArrayList<>()));
                for (int pass = 1; pass <= passes; pass++) {
                    for (int i = 0; i < candidates.size(); i++) {
                        passFigures.get(i).add(throughput(candidates.get(i), kafka, admin, loaded,
                                "measured " + pass + " of " + passes));
                    }
                }
                List<Figures> results = passFigures.stream().map(TopologyBenchmark::median).toList();
                List<Figures> measured = new ArrayList<>();
                for (int i = 0; i < candidates.size(); i++) {
                    measured.add(latency(candidates.get(i), results.get(i), kafka, admin, loader, liveRun, liveSpeed));
                }
                print(measured, loaded);
                printPasses(passFigures, loaded);
            }
        }
    }

    private Figures throughput(Candidate candidate, String kafka, Admin admin, long events, String pass)
            throws Exception {
        String appId = "bench-" + candidate.name().replace(' ', '-') + "-" + Long.toHexString(System.nanoTime());
        Properties props = properties(kafka, appId);
        System.gc();
        out.printf("%s: processing the backlog (%s)…%n", candidate.name(), pass);
        try (HeapSampler heap = new HeapSampler();
                KafkaStreams streams = new KafkaStreams(candidate.topology().get(), props)) {
            long start = System.nanoTime();
            long running = 0;
            streams.start();
            Map<TopicPartition, Long> ends = endOffsets(admin);
            while (!caughtUp(admin, appId, ends)) {
                TimeUnit.MILLISECONDS.sleep(50);
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(candidate.name() + " failed; see the log");
                }
                if (running == 0 && state == KafkaStreams.State.RUNNING) {
                    running = System.nanoTime();
                }
            }
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            double startup = ((running == 0 ? end : running) - start) / 1e9;
            streams.close(Duration.ofSeconds(30));
            Figures figures = new Figures(candidate.name(), events / seconds, seconds, startup, heap.peakBytes(), null);
            out.printf("%s: %,d events in %.1f s = %,.0f events/s; %.1f s of it to RUNNING, then %,.0f events/s%n",
                    candidate.name(), events, seconds, events / seconds, startup,
                    figures.runningEventsPerSecond(events));
            return figures;
        }
    }

    private Figures latency(Candidate candidate, Figures throughput, String kafka, Admin admin, EventLoader loader,
            Duration liveRun, double speed) throws Exception {
        String appId = "bench-live-" + candidate.name().replace(' ', '-') + "-" + Long.toHexString(System.nanoTime());
        Properties props = properties(kafka, appId);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        Histogram latencies = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        out.printf("%s: %d s on live input, the fleet at %.0fx its natural rate…%n", candidate.name(),
                liveRun.toSeconds(), speed);
        try (KafkaStreams streams = new KafkaStreams(candidate.topology().get(), props);
                ResultProbe probe = new ResultProbe(kafka, candidate, loader.timeline(), latencies)) {
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            TimeUnit.SECONDS.sleep(2);
            long before = loader.events();
            long start = System.nanoTime();
            loader.loadPaced(liveRun, speed);
            long sent = loader.events() - before;
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            Map<TopicPartition, Long> ends = endOffsets(admin);
            long deadline = System.nanoTime() + LIVE_CATCH_UP.toNanos();
            boolean caughtUp;
            while (!(caughtUp = caughtUp(admin, appId, ends)) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            double endToEndSeconds = (System.nanoTime() - start) / 1e9;
            TimeUnit.SECONDS.sleep(2);
            out.printf("%s: %,.0f events/s offered, %s, %d window results timed%n", candidate.name(),
                    sent / sendSeconds, caughtUp
                            ? String.format("%,.0f events/s end to end (all processed and committed %.1f s after"
                                    + " the last send)", sent / endToEndSeconds, endToEndSeconds - sendSeconds)
                            : String.format("not caught up %d s after the last send", LIVE_CATCH_UP.toSeconds()),
                    latencies.getTotalCount());
        }
        return new Figures(throughput.name(), throughput.eventsPerSecond(), throughput.seconds(),
                throughput.startupSeconds(), throughput.peakHeapBytes(), latencies);
    }

    private void print(List<Figures> figures, long events) {
        out.println();
        out.printf("Bridgewatch topology benchmark: %,d events, %d cores, max heap %d MiB%n", events,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        out.printf("%-28s %12s %10s %12s %10s %14s %14s %12s%n", "", "events/s", "backlog s", "running ev/s",
                "startup s", "p50 latency", "p99 latency", "peak heap");
        for (Figures f : figures) {
            out.printf("%-28s %,12.0f %10.1f %,12.0f %10.1f %11.0f ms %11.0f ms %8d MiB%n", f.name(),
                    f.eventsPerSecond(), f.seconds(), f.runningEventsPerSecond(events), f.startupSeconds(),
                    f.latencyMicros().getValueAtPercentile(50) / 1e3,
                    f.latencyMicros().getValueAtPercentile(99) / 1e3, f.peakHeapBytes() >> 20);
        }
        Figures minimal = figures.get(0);
        Figures full = figures.get(figures.size() - 1);
        out.printf("%-28s %12.2f %10s %12.2f %10s %11.2fx %12.2fx %11.2fx%n", "ratio bridgewatch / minimal",
                full.eventsPerSecond() / minimal.eventsPerSecond(), "",
                full.runningEventsPerSecond(events) / minimal.runningEventsPerSecond(events), "",
                ratio(full.latencyMicros().getValueAtPercentile(50), minimal.latencyMicros().getValueAtPercentile(50)),
                ratio(full.latencyMicros().getValueAtPercentile(99), minimal.latencyMicros().getValueAtPercentile(99)),
                (double) full.peakHeapBytes() / minimal.peakHeapBytes());
    }

    /** The median backlog time and the median time after RUNNING of a topology's passes; the peak heap of all. */
    private static Figures median(List<Figures> passes) {
        double seconds = median(passes.stream().mapToDouble(Figures::seconds).toArray());
        double runningSeconds = median(passes.stream().mapToDouble(f -> f.seconds() - f.startupSeconds()).toArray());
        long peakHeap = passes.stream().mapToLong(Figures::peakHeapBytes).max().orElse(0);
        Figures first = passes.get(0);
        return new Figures(first.name(), first.eventsPerSecond() * first.seconds() / seconds, seconds,
                seconds - runningSeconds, peakHeap, null);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Each pass's ratio, the spread the medians above hide. */
    private void printPasses(List<List<Figures>> passes, long events) {
        if (passes.get(0).size() < 2) {
            return;
        }
        List<Figures> minimal = passes.get(0);
        List<Figures> full = passes.get(passes.size() - 1);
        StringBuilder backlog = new StringBuilder();
        StringBuilder running = new StringBuilder();
        for (int i = 0; i < minimal.size(); i++) {
            backlog.append(String.format(" %.2f", full.get(i).eventsPerSecond() / minimal.get(i).eventsPerSecond()));
            running.append(String.format(" %.2f", full.get(i).runningEventsPerSecond(events)
                    / minimal.get(i).runningEventsPerSecond(events)));
        }
        out.printf("Figures above: the median of %d passes each (the two topologies in turn); ratio by pass:"
                + " events/s%s, running%s%n", minimal.size(), backlog, running);
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private static Properties properties(String kafka, String appId) {
        try {
            return new StreamsAppConfig(kafka, appId, Files.createTempDirectory("bench-state-"),
                    Runtime.getRuntime().availableProcessors(),
                    TopologyConfig.DEFAULTS).toProperties();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (String topic : INPUTS) {
            for (int p = 0; p < Topics.DEFAULT_PARTITIONS; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static boolean caughtUp(Admin admin, String appId, Map<TopicPartition, Long> ends)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                .partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata offset = committed.get(e.getKey());
            return e.getValue() == 0 || (offset != null && offset.offset() >= e.getValue());
        });
    }

    /** Times each window result from the send of the event that let its window close. */
    private static final class ResultProbe implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        ResultProbe(String kafka, Candidate candidate, EventTimeline timeline, Histogram latencies) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-probe-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(Set.of(candidate.resultTopic()));
            consumer.poll(Duration.ofSeconds(2)); // join and position at the end before live input starts
            thread = new Thread(() -> {
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                        long arrived = System.nanoTime();
                        long closingEventMs = candidate.windowEndMs().applyAsLong(record.value()) + candidate.graceMs();
                        Long sent = timeline.firstSendAtOrAfter(closingEventMs);
                        if (sent != null && arrived > sent) {
                            latencies.recordValue(Math.min(latencies.getHighestTrackableValue(),
                                    (arrived - sent) / 1_000));
                        }
                    });
                }
            }, "bench-result-probe");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
            consumer.close();
        }
    }
}
