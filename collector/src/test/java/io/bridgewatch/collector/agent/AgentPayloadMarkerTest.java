package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The collector's side of "no payload leaves": the native interposition tests (make test, run before this) record a
 * workload whose buffers are filled with a marker and keep the agent's stream; everything the collector would
 * send of it (each event's encoding as it goes on the topics, and the node's facts) holds no 8 bytes of the marker.
 */
class AgentPayloadMarkerTest {
    private static final Path STREAM = Path.of("target/native/marker-stream.bwr");
    private static final byte[] MARKER = {'B', 'W', '-', 'P', 'A', 'Y', 'L', 'O', 'A', 'D', 0x00, 0x7f, (byte) 0xa5,
        0x5a, 'M', '!'};

    @Test
    void shouldSendNothingOfTheApplicationsData() throws Exception {
        assumeTrue(Files.exists(STREAM), "no marker stream: the native interposition tests did not run here (they"
                + " need the CUDA headers)");
        CapturingSink sink = new CapturingSink();
        AgentEventAssembler assembler = new AgentEventAssembler("marker-node", sink);
        try (InputStream in = Files.newInputStream(STREAM)) {
            new AgentRecordReader(in).readAll(assembler::accept);
        }
        assembler.finish();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sink.crossings.forEach(c -> sent.writeBytes(NodeEventCodec.encode(c)));
        sink.kernels.forEach(k -> sent.writeBytes(NodeEventCodec.encode(k)));
        sink.nodes.forEach(n -> sent.writeBytes(BridgewatchSerdes.nodeInfo().serialize("", n)));

        assertThat(sink.crossings).as("the workload's copies").hasSizeGreaterThan(10_000);
        byte[] bytes = sent.toByteArray();
        assertThat(indexOf(bytes, MARKER, 0)).as("the marker's first half").isEqualTo(-1);
        assertThat(indexOf(bytes, MARKER, 8)).as("the marker's second half").isEqualTo(-1);
    }

    /** Where the 8 bytes of {@code marker} from {@code from} occur in {@code bytes}, or -1. */
    private static int indexOf(byte[] bytes, byte[] marker, int from) {
        outer:
        for (int i = 0; i + 8 <= bytes.length; i++) {
            for (int j = 0; j < 8; j++) {
                if (bytes[i + j] != marker[from + j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
