package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class AgentRecordReaderTest {
    /** Written by the C encoder's own test (collector/native/tests/test_record.c) during this build. */
    private static final Path C_SAMPLE = Path.of("target/native/sample-stream.bwr");
    private static final String FIXTURE = "/agent/fixture-interposition.bwr.gz";

    @Test
    void shouldDecodeWhatTheCEncoderWrote() throws Exception {
        assumeTrue(Files.exists(C_SAMPLE), "the native unit tests did not run (make test)");
        List<AgentRecord> records = readAll(Files.readAllBytes(C_SAMPLE));

        assertThat(records).hasSize(5);
        assertThat(records.get(0)).isEqualTo(new AgentRecord.Info(Map.of("agent_mode", "interposition",
                "gpu_sku", "NVIDIA H200")));
        AgentRecord.Event first = (AgentRecord.Event) records.get(1);
        assertThat(first.api()).isEqualTo(AgentApi.MEMCPY_HTOD_ASYNC);
        assertThat(first.direction()).isEqualTo(Direction.H2D);
        assertThat(first.memory()).isEqualTo(HostMemoryKind.PINNED);
        assertThat(first.async()).isTrue();
        assertThat(first.pid()).isEqualTo(4242);
        assertThat(first.tid()).isEqualTo(17);
        assertThat(first.stream()).isEqualTo(7);
        assertThat(first.bytes()).isEqualTo(4096);
        assertThat(first.startNs()).isEqualTo(1_790_000_000_000_000_000L);
        assertThat(first.endNs() - first.startNs()).isEqualTo(3000);
        AgentRecord.Event third = (AgentRecord.Event) records.get(3);
        assertThat(third.direction()).isEqualTo(Direction.D2H);
        assertThat(third.bytes()).isEqualTo(16384);
        assertThat(records.get(4)).isEqualTo(new AgentRecord.Drops(0, 1_790_000_000_000_100_000L));
    }

    @Test
    void shouldDeliverEveryRecordBeforeATruncationAndSayWhere() throws Exception {
        byte[] whole = fixture();
        int wholeCount = readAll(whole).size();
        byte[] truncated = Arrays.copyOf(whole, whole.length - 50);
        List<AgentRecord> delivered = new ArrayList<>();

        assertThatThrownBy(() -> new AgentRecordReader(new ByteArrayInputStream(truncated)).readAll(delivered::add))
                .isInstanceOf(AgentStreamException.class).hasMessageContaining("truncated stream")
                .hasMessageContaining("record " + wholeCount);
        assertThat(delivered).hasSize(wholeCount - 1).isEqualTo(readAll(whole).subList(0, wholeCount - 1));
    }

    @Test
    void shouldStopAtACorruptRecordAfterDeliveringTheValidOnesBeforeIt() throws Exception {
        byte[] corrupt = fixture();
        int offset = 32;
        for (int i = 0; i < 100; i++) { // walk to the 101st record
            offset += Short.toUnsignedInt(ByteBuffer.wrap(corrupt).order(ByteOrder.LITTLE_ENDIAN)
                    .getShort(offset + 2));
        }
        corrupt[offset + 20] ^= 0x10; // a bit in its body
        List<AgentRecord> delivered = new ArrayList<>();
        int at = offset;

        assertThatThrownBy(() -> new AgentRecordReader(new ByteArrayInputStream(corrupt)).readAll(delivered::add))
                .isInstanceOfSatisfying(AgentStreamException.class, e -> assertThat(e.offset()).isEqualTo(at))
                .hasMessageContaining("record 101").hasMessageContaining("fails its checksum");
        assertThat(delivered).hasSize(100);
    }

    @Test
    void shouldRefuseAnUnknownVersionAndSkipUnknownRecordKinds() throws Exception {
        byte[] stream = fixture();
        byte[] newer = stream.clone();
        newer[8] = 2;
        assertThatThrownBy(() -> new AgentRecordReader(new ByteArrayInputStream(newer)).readAll(r -> { }))
                .hasMessageContaining("unknown stream version 2");
        assertThatThrownBy(() -> new AgentRecordReader(new ByteArrayInputStream("{\"traceEvents\": []}".getBytes()))
                .readAll(r -> { })).hasMessageContaining("not an agent record stream");

        // A record of a kind from a newer agent (99), with a valid checksum, between the header and the rest.
        byte[] body = {1, 2, 3, 4};
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer unknown = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        unknown.putShort((short) 99).putShort((short) 12).putInt((int) crc.getValue()).put(body);
        byte[] mixed = new byte[stream.length + 12];
        System.arraycopy(stream, 0, mixed, 0, 32);
        System.arraycopy(unknown.array(), 0, mixed, 32, 12);
        System.arraycopy(stream, 32, mixed, 44, stream.length - 32);
        List<AgentRecord> records = readAll(mixed);
        assertThat(records.get(0)).isEqualTo(new AgentRecord.Unknown(99, 12));
        assertThat(records).hasSize(readAll(stream).size() + 1);
    }

    static byte[] fixture() throws Exception {
        try (InputStream in = new GZIPInputStream(AgentRecordReaderTest.class.getResourceAsStream(FIXTURE))) {
            return in.readAllBytes();
        }
    }

    private static List<AgentRecord> readAll(byte[] stream) throws Exception {
        List<AgentRecord> records = new ArrayList<>();
        new AgentRecordReader(new ByteArrayInputStream(stream)).readAll(records::add);
        return records;
    }
}
