package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.agent.AgentSocketServer;
import io.bridgewatch.kafka.embedded.EmbeddedKafkaBroker;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.topics.TopicProvisioner;
import io.bridgewatch.schema.topics.Topics;
import io.opentelemetry.api.OpenTelemetry;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live path on a CVM: the agent's stream over the Unix socket, through the collector, into a real broker. */
class AgentToKafkaIT {
    private static final Path CUPTI_RECORDS = Path.of(System.getProperty("bridgewatch.repo.dir", "..")).resolve(
            "collector/src/test/resources/agent/fixture-cupti.bwr.gz");

    @Test
    void shouldProduceTheAgentsCopiesWithTheirGpuTimesAndTheNodesFacts(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                new TopicProvisioner(admin, (short) 1).ensure(Topics.all(Topics.DEFAULT_PARTITIONS));
            }
            try (Collector collector = new Collector("h200-live", CollectorConfig.defaults(broker.bootstrapServers(),
                    "agent-it"), OpenTelemetry.noop().getMeter("test"));
                    AgentSocketServer server = new AgentSocketServer(dir.resolve("agent.sock"), "h200-live",
                            Map.of("model", "decode-loop"), collector)) {
                try (InputStream records = new GZIPInputStream(Files.newInputStream(CUPTI_RECORDS));
                        SocketChannel agent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    agent.connect(UnixDomainSocketAddress.of(server.socket()));
                    ByteBuffer bytes = ByteBuffer.wrap(records.readAllBytes());
                    while (bytes.hasRemaining()) {
                        agent.write(bytes);
                    }
                }
                List<Crossing> crossings = TopicReader.readEventsUntil(broker.bootstrapServers(), Topics.CROSSINGS,
                        Crossing.class, read -> read.size() >= 300, Duration.ofSeconds(60));
                List<NodeInfo> nodes = TopicReader.readUntil(broker.bootstrapServers(), Topics.NODES,
                        BridgewatchSerdes.nodeInfo().deserializer(), read -> read.stream().anyMatch(
                                n -> n.getSource() == EventSource.AGENT_CUPTI), Duration.ofSeconds(30));

                assertThat(crossings).hasSize(300).allSatisfy(c -> {
                    assertThat(c.getNodeId()).isEqualTo("h200-live");
                    assertThat(c.getGpuEndNs()).isNotNull();
                });
                NodeInfo latest = nodes.get(nodes.size() - 1);
                assertThat(latest.getGpuSku()).isEqualTo("NVIDIA H200");
                assertThat(latest.getDriverVersion()).isEqualTo("580.159.04");
                assertThat(latest.getCcMode().name()).isEqualTo("OFF");
                assertThat(latest.getModel()).isEqualTo("decode-loop");
                assertThat(latest.getLabels()).containsEntry("cupti", "active");
            }
        }
    }
}
