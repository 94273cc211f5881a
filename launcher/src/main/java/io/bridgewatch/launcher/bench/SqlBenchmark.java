package io.bridgewatch.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.launcher.query.PushStream;
import io.bridgewatch.launcher.service.ConsumerGroupLag;
import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.TopicSnapshot;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.query.PartitionRows;
import io.bridgewatch.streams.query.QueryException;
import io.bridgewatch.streams.query.ResultView;
import io.bridgewatch.streams.query.RowSource;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import io.bridgewatch.streams.sql.ResultPartitions;
import io.bridgewatch.streams.sql.SqlAnswer;
import io.bridgewatch.streams.sql.SqlEngine;
import io.bridgewatch.streams.sql.SqlLimits;
import io.opentelemetry.api.OpenTelemetry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * SQL on one streams instance over the embedded broker: the first pull query (Calcite's code generation), steady
 * pull-query latency against the REST window query (the baseline), a bounded scan of a million raw events against a
 * bare consumer reading the same records, and push queries: delivery latency and memory with one subscriber (the
 * baseline) and with many.
 */
final class SqlBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOP_TOLL = "SELECT node_id, AVG(toll_s) * 1e6 AS toll_us, COUNT(*) AS windows"
            + " FROM cost WHERE direction = 'H2D' AND toll_s IS NOT NULL"
            + " AND window_start >= CURRENT_TIMESTAMP - INTERVAL '1' HOUR GROUP BY node_id ORDER BY toll_us DESC"
            + " LIMIT 10";
    private static final String BY_DRIVER = "SELECT n.driver_version, COUNT(DISTINCT c.node_id) AS nodes,"
            + " MAX(c.cost_p99_s) AS p99 FROM cost c JOIN nodes n ON c.node_id = n.node_id"
            + " WHERE c.small_crossings = c.crossings GROUP BY n.driver_version";
    private static final String ONE_NODE = "SELECT window_start, direction, toll_s FROM cost WHERE node_id = '%s'"
            + " ORDER BY window_start DESC LIMIT 20";
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    SqlBenchmark(PrintStream out) {
        this.out = out;
    }

    void run(long processedEvents, long scannedRecords, int pullQueries, int pushQueries) throws Exception {
        out.println("Starting the embedded Kafka broker…");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String kafka = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.all(Topics.DEFAULT_PARTITIONS));
            }
            FleetSimulator fleet = new FleetSimulator(ScenarioLoader.loadDefault(),
                    System.currentTimeMillis() * 1_000_000L);
            try (EventLoader loader = new EventLoader(fleet, kafka, false)) {
                loader.loadAtLeast(processedEvents);
                out.printf("Loaded %,d events of %d simulated nodes; starting one streams instance.%n",
                        loader.events(), fleet.nodes().size());
                List<String> nodes = fleet.nodes().stream().map(n -> n.info().getNodeId().toString()).toList();
                StreamsService instance = startCaughtUp(kafka);
                try {
                    pullQueries(instance.queryUrl(), nodes, pullQueries);
                    pushQueries(instance.queryUrl(), kafka, nodes, pushQueries);
                } finally {
                    instance.close();
                }
                long crossings = countRecords(kafka, Topics.CROSSINGS, false);
                if (crossings < scannedRecords) {
                    loader.loadAtLeast((scannedRecords - crossings) * 2);
                }
            }
            rawScan(kafka);
        }
    }

    private StreamsService startCaughtUp(String kafka) throws Exception {
        StreamsAppConfig app = new StreamsAppConfig(kafka, "bench-sql", Files.createTempDirectory("bw-bench-sql"), 1,
                TopologyConfig.DEFAULTS);
        StreamsService instance = new StreamsService(StreamsServiceConfig.of(app, Topics.DEFAULT_PARTITIONS, 0,
                "127.0.0.1", 0), OpenTelemetry.noop().getMeter("bench"), Clock.systemUTC());
        instance.start();
        long start = System.nanoTime();
        try (ConsumerGroupLag lag = new ConsumerGroupLag(kafka, "bench-sql", StreamsService.INPUT_TOPICS)) {
            while (lagOrUnknown(lag) != 0) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        out.printf("The instance processed them in %.1f s.%n%n", (System.nanoTime() - start) / 1e9);
        return instance;
    }

    private void pullQueries(String url, List<String> nodes, int count) throws Exception {
        long first = System.nanoTime();
        JsonNode answer = query(url, TOP_TOLL);
        double firstMs = (System.nanoTime() - first) / 1e6;
        out.printf("First pull query (Calcite plans and generates code): %.0f ms, %d rows, %d records read%n",
                firstMs, answer.path("row_count").asInt(), answer.path("scanned_records").asLong());
        Histogram sql = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        Histogram rest = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        for (int i = 0; i < count; i++) {
            String node = nodes.get(i % nodes.size());
            String text = switch (i % 3) {
                case 0 -> TOP_TOLL;
                case 1 -> BY_DRIVER;
                default -> String.format(ONE_NODE, node);
            };
            long t = System.nanoTime();
            query(url, text);
            sql.recordValue((System.nanoTime() - t) / 1000);
            t = System.nanoTime();
            HttpResponse<String> windows = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/nodes/" + node
                    + "/windows")).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (windows.statusCode() != 200) {
                throw new IllegalStateException("REST query failed: " + windows.body());
            }
            rest.recordValue((System.nanoTime() - t) / 1000);
        }
        out.printf("%-52s %10s %10s %10s%n", "steady pull queries (" + count + " each)", "p50 ms", "p99 ms", "max ms");
        print("REST GET /v1/nodes/{node}/windows (baseline)", rest);
        print("SQL: top tolls, join by driver, one node's windows", sql);
        out.printf("%-52s %9.2fx %9.2fx%n%n", "ratio SQL / REST", sql.getValueAtPercentile(50)
                / (double) rest.getValueAtPercentile(50), sql.getValueAtPercentile(99)
                / (double) rest.getValueAtPercentile(99));
    }

    private void print(String name, Histogram micros) {
        out.printf("%-52s %10.1f %10.1f %10.1f%n", name, micros.getValueAtPercentile(50) / 1e3,
                micros.getValueAtPercentile(99) / 1e3, micros.getMaxValue() / 1e3);
    }

    /** Push queries: delivery latency of rows appended to the cost topic, with one subscriber and with many. */
    private void pushQueries(String url, String kafka, List<String> nodes, int count) throws Exception {
        out.printf("%-40s %12s %10s %10s %10s %14s%n", "push queries", "rows", "p50 ms", "p99 ms", "max ms",
                "heap +MiB");
        for (int subscribers : List.of(1, count)) {
            long heapBefore = usedHeapAfterGc();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
            AtomicLong delivered = new AtomicLong();
            List<PushStream> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                clients.add(PushStream.open(http, url, "SELECT node_id, direction, window_start_ns FROM cost WHERE"
                        + " node_id = '" + nodes.get(i % nodes.size()) + "' EMIT CHANGES", row -> {
                            long now = System.nanoTime();
                            Long sent = sentAt.get(row.path(0).asText() + "|" + row.path(2).asLong());
                            if (sent != null) {
                                synchronized (latency) {
                                    latency.recordValue((now - sent) / 1000);
                                }
                                delivered.incrementAndGet();
                            }
                        }));
            }
            long heapSubscribed = usedHeapAfterGc();
            int rows = appendCostRows(kafka, nodes, sentAt);
            long expected = (long) rows / nodes.size() * subscribers;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (delivered.get() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            clients.forEach(PushStream::close);
            synchronized (latency) {
                out.printf("%-40s %12s %10.1f %10.1f %10.1f %14.1f%n", subscribers + " subscriber"
                        + (subscribers == 1 ? " (baseline)" : "s"), delivered.get() + "/" + expected,
                        latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                        latency.getMaxValue() / 1e3, (heapSubscribed - heapBefore) / 1048576.0);
            }
        }
        out.println();
    }

    /** Appends 40 rounds of one H2D cost row per node, 50 ms apart, noting when each was sent. */
    private static int appendCostRows(String kafka, List<String> nodes, Map<String, Long> sentAt)
            throws Exception {
        int rows = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka,
                "linger.ms", 0), new StringSerializer(), new ByteArraySerializer())) {
            for (int round = 0; round < 40; round++) {
                long windowStart = (System.currentTimeMillis() + 3_600_000L + round) * 1_000_000L;
                for (String node : nodes) {
                    BridgeCostWindow row = BridgeCostWindow.newBuilder().setNodeId(node).setGpuIndex(0)
                            .setDirection(Direction.H2D).setHostMemory(HostMemoryKind.PINNED).setForm(CostForm.GPU)
                            .setWindowStartNs(windowStart).setWindowEndNs(windowStart + 10_000_000_000L)
                            .setCrossings(1).setBytes(1).setSmallCrossings(1).setFitBins(0).setAsyncCalls(0)
                            .setAsyncBlocked(0).build();
                    sentAt.put(node + "|" + windowStart, System.nanoTime());
                    producer.send(new ProducerRecord<>(Topics.BRIDGE_COST, node,
                            BridgewatchSerdes.bridgeCostWindow().serialize(Topics.BRIDGE_COST, row)));
                    rows++;
                }
                producer.flush();
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        return rows;
    }

    /** A bounded scan of the crossings topic through SQL against bare consumers reading the same records. */
    private void rawScan(String kafka) throws Exception {
        long bareStart = System.nanoTime();
        long records = countRecords(kafka, Topics.CROSSINGS, false);
        double bareSeconds = (System.nanoTime() - bareStart) / 1e9;
        long decodeStart = System.nanoTime();
        countRecords(kafka, Topics.CROSSINGS, true);
        double decodeSeconds = (System.nanoTime() - decodeStart) / 1e9;
        SqlEngine engine = new SqlEngine(new NoStores(), Optional.of(Map.of("bootstrap.servers", kafka)),
                new SqlLimits(100, 50_000_000, Duration.ofMinutes(10)));
        System.gc();
        SqlAnswer answer;
        long peak;
        long start = System.nanoTime();
        try (HeapSampler heap = new HeapSampler(); engine) {
            answer = engine.pull("SELECT direction, host_memory, COUNT(*) AS copies, SUM(bytes) AS bytes"
                    + " FROM crossings GROUP BY direction, host_memory");
            peak = heap.peakBytes();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = answer.scannedRecords() / seconds;
        out.printf("%-52s %12s %10s %12s %14s%n", "bounded scan of the crossings topic", "records", "seconds",
                "records/s", "peak heap MiB");
        out.printf("%-52s %,12d %10.1f %,12.0f %14s%n", "bare consumer, decoding nothing (baseline)", records,
                bareSeconds, records / bareSeconds, "-");
        out.printf("%-52s %,12d %10.1f %,12.0f %14s%n", "bare consumer decoding Avro (baseline)", records,
                decodeSeconds, records / decodeSeconds, "-");
        out.printf("%-52s %,12d %10.1f %,12.0f %14d%n", "SQL: GROUP BY direction, host_memory", answer
                .scannedRecords(), seconds, rate, peak >> 20);
        out.printf("%-52s %35.2fx%n", "ratio SQL / bare consumer", rate / (records / bareSeconds));
        out.printf("%-52s %35.2fx%n", "ratio SQL / decoding consumer", rate / (records / decodeSeconds));
    }

    /** Reads the topic to its end offsets; counts the records (decoding each as a Crossing when asked). */
    private static long countRecords(String kafka, String topic, boolean decode) {
        var serde = BridgewatchSerdes.crossing();
        return TopicSnapshot.read(kafka, topic, record -> {
            if (decode) {
                serde.deserialize(topic, record.value());
            }
        });
    }

    private JsonNode query(String url, String sql) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("query failed: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        System.gc();
        TimeUnit.MILLISECONDS.sleep(200);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long lagOrUnknown(ConsumerGroupLag lag) throws InterruptedException {
        try {
            return lag.lag();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    /** Topic scans only: the raw-scan figure needs no result stores. */
    private static final class NoStores implements ResultPartitions {
        @Override
        public Set<Integer> partitionsFor(ResultView.Scope scope, Optional<Set<String>> keys) {
            throw QueryException.unavailable("no result stores in this benchmark");
        }

        @Override
        public PartitionRows read(RowSource source, int partition, Optional<Set<String>> keys, long fromMs,
                long toMs) {
            throw QueryException.unavailable("no result stores in this benchmark");
        }
    }
}
