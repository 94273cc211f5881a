package io.bridgewatch.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.kafka.embedded.KafkaClientSecurity;
import io.bridgewatch.kafka.embedded.LocalCertificateAuthority;
import io.bridgewatch.launcher.BridgewatchCli;
import io.bridgewatch.launcher.trace.SyntheticKinetoTrace;
import io.bridgewatch.schema.topics.AccessControl;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.simulator.FleetSimulator;
import io.bridgewatch.simulator.ScenarioLoader;
import io.bridgewatch.simulator.SimulatedFleet;
import io.bridgewatch.streams.StreamsAppConfig;
import io.bridgewatch.streams.query.HttpAccess;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.service.StreamsService;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import io.bridgewatch.streams.sql.SqlSettings;
import io.opentelemetry.api.OpenTelemetry;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The pipeline on a secured cluster: a broker that takes only SASL_SSL (SCRAM) and mutual-TLS clients and denies
 * whatever no ACL allows; collectors on mutual TLS with the collector ACLs, the streams-app on SCRAM with its own.
 * The results come out; a stranger's certificate, a wrong password and a collector reading results are refused.
 */
class SecuredClusterIT {
    private static final String APPLICATION = "bridgewatch-secured-it";
    private static final int PARTITIONS = 2;

    @Test
    void shouldRunThePipelineAndRefuseWhatNoAclAllows(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create(dir.resolve("ca"), "bridgewatch-it");
        LocalCertificateAuthority.Identity operator = authority.issue("operator");
        LocalCertificateAuthority.Identity collector = authority.issue("collector-fleet");
        String streamsPassword = UUID.randomUUID().toString();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(new EmbeddedKafkaBroker.Security(
                authority, operator, Map.of("streams-app", streamsPassword)))) {
            Map<String, Object> operatorSettings = settings(broker.mutualTlsBootstrapServers(),
                    KafkaClientSecurity.mutualTls(operator, authority));
            try (Admin admin = Admin.create(operatorSettings)) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.all(PARTITIONS));
                AccessControl.apply(admin, AccessControl.collector("User:" + collector.name()));
                AccessControl.apply(admin, AccessControl.streamsApp("User:streams-app", APPLICATION));
            }
            Map<String, String> streamsSettings = KafkaClientSecurity.scram("streams-app", streamsPassword,
                    authority);
            StreamsService streams = new StreamsService(new StreamsServiceConfig(new StreamsAppConfig(
                    broker.bootstrapServers(), APPLICATION, dir.resolve("state"), 1, TopologyConfig.DEFAULTS), 0,
                    "127.0.0.1", 0, null, "127.0.0.1", 0, false, PARTITIONS, 1, Duration.ofMinutes(5),
                    Duration.ofSeconds(30), SqlSettings.DEFAULTS, streamsSettings, HttpAccess.OPEN, Optional.empty(),
                    Optional.empty()),
                    OpenTelemetry.noop().getMeter("it"), Clock.systemUTC());
            try (streams) {
                streams.start();
                long startNs = System.currentTimeMillis() / 60_000 * 60_000 * 1_000_000L;
                CollectorConfig collectors = new CollectorConfig(broker.mutualTlsBootstrapServers(), 100_000,
                        Duration.ofSeconds(30), "secured-it", KafkaClientSecurity.mutualTls(collector, authority));
                try (SimulatedFleet fleet = new SimulatedFleet(ScenarioLoader.loadDefault(), startNs, collectors,
                        OpenTelemetry.noop().getMeter("it"))) {
                    fleet.run(Duration.ofSeconds(45), FleetSimulator.Pacing.LOCKSTEP, () -> 0L, () -> true);
                    fleet.close();
                    assertThat(fleet.stats().sent()).isGreaterThan(10_000);
                }
                List<ConsumerRecord<byte[], byte[]>> costs = readAtLeast(operatorSettings, Topics.BRIDGE_COST, 1,
                        Duration.ofSeconds(120));
                assertThat(costs).as("the streams-app's results, read by the operator").isNotEmpty();
            }

            // The trace import, as a collector's identity, from a client properties file.
            Path kafkaConfig = dir.resolve("collector.properties");
            Properties properties = new Properties();
            properties.putAll(KafkaClientSecurity.mutualTls(collector, authority));
            try (Writer out = Files.newBufferedWriter(kafkaConfig)) {
                properties.store(out, null);
            }
            Path trace = dir.resolve("trace.json.gz");
            new SyntheticKinetoTrace(50, 2, 4096, 100, 10_000, 20).write(trace);
            assertThat(new CommandLine(new BridgewatchCli()).execute("import", trace.toString(), "--node",
                    "imported-secured", "--bootstrap-servers", broker.mutualTlsBootstrapServers(), "--kafka-config",
                    kafkaConfig.toString(), "--no-progress")).isZero();

            // A collector writes its node topics and nothing else, and reads nothing.
            Map<String, Object> collectorSettings = settings(broker.mutualTlsBootstrapServers(),
                    KafkaClientSecurity.mutualTls(collector, authority));
            assertThatThrownBy(() -> readAtLeast(collectorSettings, Topics.BRIDGE_COST, 1, Duration.ofSeconds(20)))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> readAtLeast(collectorSettings, Topics.CROSSINGS, 1, Duration.ofSeconds(20)))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> write(collectorSettings, Topics.ALERTS))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);

            // No client of another authority, and no wrong password, gets in at all.
            LocalCertificateAuthority stranger = LocalCertificateAuthority.create(dir.resolve("stranger"),
                    "stranger");
            assertThatThrownBy(() -> describeCluster(settings(broker.mutualTlsBootstrapServers(),
                    KafkaClientSecurity.mutualTls(stranger.issue(collector.name()), authority))))
                    .hasCauseInstanceOf(SslAuthenticationException.class);
            assertThatThrownBy(() -> describeCluster(settings(broker.bootstrapServers(),
                    KafkaClientSecurity.scram("streams-app", "not-the-password", authority))))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static Map<String, Object> settings(String bootstrap, Map<String, String> security) {
        Map<String, Object> settings = new HashMap<>(security);
        settings.put("bootstrap.servers", bootstrap);
        return settings;
    }

    private static void describeCluster(Map<String, Object> settings) throws Exception {
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
        }
    }

    private static void write(Map<String, Object> settings, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {2})).get(20, TimeUnit.SECONDS);
        }
    }

    /** Reads a topic from the start until {@code count} records (all partitions, read-committed) or the timeout. */
    private static List<ConsumerRecord<byte[], byte[]>> readAtLeast(Map<String, Object> settings, String topic,
            int count, Duration timeout) throws ExecutionException {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (read.size() < count && System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(500)).forEach(read::add);
                } catch (TopicAuthorizationException e) {
                    throw new ExecutionException("reading " + topic + " was refused", e);
                }
            }
        }
        return read;
    }
}
