package io.bridgewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.simulator.FleetSimulator;


import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.TopicSnapshot;
import io.bridgewatch.schema.topics.Topics;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CollectorIT {
    private static EmbeddedKafkaBroker broker;
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final Meter meter = SdkMeterProvider.builder().registerMetricReader(metrics).build().get("test");

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.all(2));
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldProduceEveryEventKeyedByNodeWithNodeInfoOnTheCompactedTopic() throws Exception {
        Scenario scenario = ScenarioLoader.loadDefault();
        FleetSimulator fleet = new FleetSimulator(scenario, 1_767_225_600_000_000_000L);
        String node = scenario.nodes().get(1).id();
        try (Collector collector = new Collector(node, CollectorConfig.defaults(broker.bootstrapServers(), "t"),
                meter)) {
            CountingSink counting = new CountingSink(collector);
            fleet.run(Duration.ofSeconds(8), FleetSimulator.Pacing.VIRTUAL,
                    id -> id.equals(node) ? counting : new CountingSink(null), () -> true);
            collector.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> collector.stats().sent() == counting.count);
            assertThat(collector.stats().dropped()).isZero();

            List<SpecificRecord> events = new ArrayList<>();
            TopicSnapshot.readEvents(broker.bootstrapServers(), (key, event) -> {
                assertThat(key).isEqualTo(node);
                events.add(event);
            });
            assertThat(events).hasSize(counting.count - 1); // all but the node facts
            assertThat(events).filteredOn(e -> e instanceof Crossing).hasSize(counting.crossings)
                    .allMatch(c -> ((Crossing) c).getNodeId().equals(node));
            assertThat(TopicSnapshot.read(broker.bootstrapServers(), Topics.NODE_EVENTS, r -> { }))
                    .as("many events to a record").isLessThan(events.size() / 10);
            NodeInfo info = BridgewatchSerdes.nodeInfo().deserialize(Topics.NODES, readAll(Topics.NODES, 1).get(0));
            assertThat(info.getNodeId()).isEqualTo(node);
            assertThat(metricNames()).contains("bridgewatch_collector_events_sent",
                    "bridgewatch_collector_events_dropped", "bridgewatch_collector_queue_depth",
                    "bridgewatch_collector_send_latency");
        }
    }

    @Test
    void shouldDropAndCountInsteadOfBlockingTheSourceWhenKafkaIsUnreachable() throws Exception {
        CollectorConfig unreachable = new CollectorConfig("127.0.0.1:1", 10, Duration.ofMillis(500), "t2");
        Collector collector = new Collector("n-down", unreachable, meter);
        long start = System.nanoTime();
        FleetSimulator fleet = new FleetSimulator(ScenarioLoader.loadDefault(), 1_767_225_600_000_000_000L);
        fleet.run(Duration.ofSeconds(3), FleetSimulator.Pacing.VIRTUAL,
                id -> collector, () -> true);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        CollectorStats stats = collector.stats();
        collector.close();

        assertThat(stats.dropped()).isPositive();
        assertThat(stats.accepted() + stats.dropped()).isGreaterThan(1000);
        assertThat(elapsedMs).as("the source never waits on Kafka").isLessThan(20_000);
    }

    private List<String> metricNames() {
        return metrics.collectAllMetrics().stream().map(MetricData::getName).toList();
    }

    private static List<byte[]> readAll(String topic, int expected) {
        List<byte[]> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }

    /** Passes events on to a collector (or nowhere) and counts them. */
    private static final class CountingSink implements EventSink {
        private final Collector target;
        private int count;
        private int crossings;

        CountingSink(Collector target) {
            this.target = target;
        }

        @Override
        public void nodeInfo(NodeInfo info) {
            count++;
            if (target != null) {
                target.nodeInfo(info);
            }
        }

        @Override
        public void crossing(Crossing crossing) {
            count++;
            crossings++;
            if (target != null) {
                target.crossing(crossing);
            }
        }

        @Override
        public void kernel(io.bridgewatch.schema.KernelExec kernel) {
            count++;
            if (target != null) {
                target.kernel(kernel);
            }
        }

        @Override
        public void serving(io.bridgewatch.schema.ServingSample sample) {
            count++;
            if (target != null) {
                target.serving(sample);
            }
        }
    }
}
