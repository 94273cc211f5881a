package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.schema.EventSource;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSocketServerTest {
    @Test
    void shouldTakeAnAgentsStreamAndKeepTheValidPartOfADamagedOne(@TempDir Path dir) throws Exception {
        byte[] stream = AgentRecordReaderTest.fixture();
        byte[] damaged = stream.clone();
        int offset = 32;
        for (int i = 0; i < 2000; i++) {
            offset += Short.toUnsignedInt(ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN)
                    .getShort(offset + 2));
        }
        damaged[offset + 30] ^= 0x01;
        CapturingSink received = new CapturingSink();
        try (AgentSocketServer server = new AgentSocketServer(dir.resolve("agent.sock"), "h200-a",
                Map.of("model", "llama"), received)) {
            send(server.socket(), stream);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.finishedConnections().size() == 1);
            try {
                send(server.socket(), damaged);
            } catch (IOException closedByTheServer) {
                // The server closes a damaged stream's connection; the agent sees a broken pipe and carries on.
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.finishedConnections().size() == 2);

            AgentSocketServer.ConnectionSummary whole = server.finishedConnections().get(0);
            assertThat(whole.damage()).isNull();
            assertThat(whole.crossings()).isEqualTo(780);
            AgentSocketServer.ConnectionSummary cut = server.finishedConnections().get(1);
            assertThat(cut.damage()).contains("record 2001").contains("fails its checksum");
            assertThat(cut.crossings()).as("the copies before the damage").isBetween(1L, 779L);
        }
        long cutCopies = received.crossings.size() - 780L;
        assertThat(cutCopies).as("everything delivered reached the sink").isBetween(1L, 779L);
        assertThat(received.nodes).isNotEmpty().allSatisfy(n -> {
            assertThat(n.getNodeId()).isEqualTo("h200-a");
            assertThat(n.getGpuSku()).isEqualTo("NVIDIA H200");
            assertThat(n.getSource()).isEqualTo(EventSource.AGENT_INTERPOSITION);
            assertThat(n.getModel()).isEqualTo("llama");
            assertThat(n.getLabels()).containsEntry("agent_mode", "interposition");
        });
    }

    @Test
    void shouldReadNothingFromAPeerItDoesNotAdmit(@TempDir Path dir) throws Exception {
        CapturingSink received = new CapturingSink();
        AgentPeers onlyAnother = new AgentPeers(Set.of("bridgewatch-test-nobody"), Set.of("bridgewatch-test-none"));
        try (AgentSocketServer server = new AgentSocketServer(dir.resolve("agent.sock"), "h200-a", Map.of(),
                received, onlyAnother)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())))
                    .isEqualTo("rw-rw----");
            try {
                send(server.socket(), AgentRecordReaderTest.fixture());
            } catch (IOException closedByTheServer) {
                // refused: the server closes the connection
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.finishedConnections().size() == 1);
            assertThat(server.finishedConnections().get(0).damage()).startsWith("refused: peer user "
                    + System.getProperty("user.name"));
        }
        assertThat(received.crossings).isEmpty();
        assertThat(received.nodes).isEmpty();
    }

    private static void send(Path socket, byte[] bytes) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
