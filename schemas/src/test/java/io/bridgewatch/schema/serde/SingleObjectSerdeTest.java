package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {
    private final SingleObjectSerde<Crossing> serde = BridgewatchSerdes.crossing();

    private static Crossing crossing() {
        return Crossing.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(7).setTid(8).setContextId(1)
                .setStreamId(7).setCorrelationId(42).setApi("cudaMemcpyAsync").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(4096).setAsyncRequested(true)
                .setApiStartNs(1_000).setApiEndNs(2_000).setGpuStartNs(1_500L).setGpuEndNs(1_900L).build();
    }

    @Test
    void shouldWriteSingleObjectEncodingHeader() {
        byte[] bytes = serde.serialize("t", crossing());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize("t", bytes)).isEqualTo(crossing());
    }

    /** The thread's encoding buffer is reused, and dropped after a record above its kept size: no bytes carry over. */
    @Test
    void shouldEncodeEachRecordAloneAcrossAReusedAndADroppedBuffer() {
        Crossing small = crossing();
        Crossing large = Crossing.newBuilder(small).setApi("x".repeat(2 << 20)).build();
        byte[] first = serde.serialize("t", small);
        assertThat(serde.deserialize("t", serde.serialize("t", large))).isEqualTo(large);
        byte[] after = serde.serialize("t", small);
        assertThat(after).isEqualTo(first);
        assertThat(serde.deserialize("t", after)).isEqualTo(small);
    }

    @Test
    void shouldNameTopicAndMarkerWhenHeaderIsNotAvro() {
        byte[] json = "{\"node_id\":\"n1\"}".getBytes();
        assertThatThrownBy(() -> serde.deserialize("bridgewatch.crossings.v1", json))
                .isInstanceOf(SchemaDecodingException.class)
                .hasMessageContaining("Crossing")
                .hasMessageContaining("bridgewatch.crossings.v1")
                .hasMessageContaining("expected marker C3 01, got 7B 22");
    }

    @Test
    void shouldNameTheUnknownFingerprint() {
        byte[] kernelBytes = BridgewatchSerdes.kernelExec().serialize("t", KernelExec.newBuilder().setNodeId("n")
                .setGpuIndex(0).setPid(1).setTid(1).setContextId(1).setStreamId(1).setCorrelationId(1)
                .setKernelName("k").setGrid(List.of()).setBlock(List.of()).setApiStartNs(1).setApiEndNs(2).build());
        assertThatThrownBy(() -> serde.deserialize("t", kernelBytes))
                .isInstanceOf(SchemaDecodingException.class)
                .hasMessageContaining("unknown schema fingerprint 0x");
    }

    @Test
    void shouldReportCorruptBody() {
        byte[] bytes = serde.serialize("t", crossing());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> serde.deserialize("t", truncated))
                .isInstanceOf(SchemaDecodingException.class)
                .hasMessageContaining("corrupt body");
    }

    @Test
    void shouldReportTruncatedHeader() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {(byte) 0xC3, 0x01, 0x05}))
                .isInstanceOf(SchemaDecodingException.class)
                .hasMessageContaining("cannot decode Crossing");
    }

    @Test
    void shouldReadDataWrittenWithAnOlderReleasedSchema() throws Exception {
        // A writer on an older release: same record with fewer fields; its schema is registered as released.
        Schema older = SchemaBuilder.record("Crossing").namespace("io.bridgewatch.schema").fields()
                .requiredString("node_id").requiredInt("gpu_index").requiredInt("pid").requiredLong("tid")
                .requiredLong("context_id").requiredLong("stream_id").requiredLong("correlation_id")
                .requiredString("api").name("direction").type(Direction.SCHEMA$).noDefault()
                .name("host_memory").type(HostMemoryKind.SCHEMA$).noDefault().requiredLong("bytes")
                .requiredBoolean("async_requested").requiredLong("api_start_ns").requiredLong("api_end_ns")
                .endRecord();
        GenericRecord old = new GenericData.Record(older);
        old.put("node_id", "n1");
        old.put("gpu_index", 0);
        old.put("pid", 1);
        old.put("tid", 2L);
        old.put("context_id", 3L);
        old.put("stream_id", 4L);
        old.put("correlation_id", 5L);
        old.put("api", "cudaMemcpy");
        old.put("direction", new GenericData.EnumSymbol(Direction.SCHEMA$, "D2H"));
        old.put("host_memory", new GenericData.EnumSymbol(HostMemoryKind.SCHEMA$, "PAGEABLE"));
        old.put("bytes", 8L);
        old.put("async_requested", false);
        old.put("api_start_ns", 10L);
        old.put("api_end_ns", 20L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

        SingleObjectSerde<Crossing> withOlder = new SingleObjectSerde<>(Crossing.class, Crossing.SCHEMA$,
                List.of(older));
        Crossing read = withOlder.deserialize("t", bytes);

        assertThat(read.getDirection()).isEqualTo(Direction.D2H);
        assertThat(read.getGpuStartNs()).isNull();
        assertThat(read.getStatusCode()).isZero();
    }
}
