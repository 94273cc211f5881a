package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class NodeEventCodecTest {
    private static final Crossing CROSSING = Crossing.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(7)
            .setTid(8).setContextId(1).setStreamId(7).setCorrelationId(42).setApi("cudaMemcpyAsync")
            .setDirection(Direction.H2D).setHostMemory(HostMemoryKind.PINNED).setBytes(4096)
            .setAsyncRequested(true).setApiStartNs(1_000).setApiEndNs(2_000).build();
    private static final KernelExec KERNEL = KernelExec.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(7)
            .setTid(8).setContextId(1).setStreamId(7).setCorrelationId(43).setKernelName("gemm").setGrid(List.of())
            .setBlock(List.of()).setApiStartNs(1_500).setApiEndNs(1_600).build();
    private static final ServingSample SAMPLE = ServingSample.newBuilder().setNodeId("n1").setIntervalStartNs(0)
            .setIntervalEndNs(1_000_000_000L).setOutputTokens(100).setPromptTokens(10).setRequestsFinished(1)
            .setRunningRequests(8.0).build();

    @Test
    void shouldCarryMixedEventsThroughTheBatchSerdeInOrder() {
        List<SpecificRecord> events = List.of(CROSSING, KERNEL, SAMPLE, CROSSING);
        NodeEventBatch batch = NodeEventCodec.batch("n1", events.stream().map(NodeEventCodec::encode).toList());
        SingleObjectSerde<NodeEventBatch> serde = BridgewatchSerdes.of(NodeEventBatch.class);

        NodeEventBatch read = serde.deserialize(Topics.NODE_EVENTS, serde.serialize(Topics.NODE_EVENTS, batch));

        assertThat(NodeEventCodec.events(read)).containsExactlyElementsOf(events);
        assertThat(events.stream().map(NodeEventCodec::topicOf))
                .containsExactly(Topics.CROSSINGS, Topics.KERNELS, Topics.SERVING, Topics.CROSSINGS);
    }

    /**
     * The batch serde hands out its elements as views of the record's bytes; each is read where it lies, of the
     * current schema or a released one, into reused records, and one cut short is refused without reading the next.
     */
    @Test
    void shouldReadElementsInPlace() throws Exception {
        byte[] truncated = NodeEventCodec.encode(KERNEL);
        truncated = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        NodeEventBatch batch = NodeEventCodec.batch("n1", List.of(NodeEventCodec.encode(CROSSING),
                writtenWithFirstReleasedSchema(CROSSING), truncated, NodeEventCodec.encode(KERNEL),
                NodeEventCodec.encode(SAMPLE)));
        SingleObjectSerde<NodeEventBatch> serde = BridgewatchSerdes.of(NodeEventBatch.class);
        byte[] record = serde.serialize(Topics.NODE_EVENTS, batch);

        List<ByteBuffer> elements = serde.deserialize(Topics.NODE_EVENTS, record).getEvents();

        assertThat(elements).allSatisfy(element -> assertThat(element.array()).as("a view").isSameAs(record));
        Crossing reused = new Crossing();
        KernelExec reusedKernel = new KernelExec();
        assertThat(NodeEventCodec.decode(elements.get(0), reused, reusedKernel)).isSameAs(reused)
                .isEqualTo(CROSSING);
        assertThat(NodeEventCodec.decode(elements.get(1), reused, reusedKernel)).isEqualTo(CROSSING);
        assertThatThrownBy(() -> NodeEventCodec.decode(elements.get(2), reused, reusedKernel))
                .isInstanceOf(SchemaDecodingException.class).hasMessageContaining("EOFException");
        assertThat(NodeEventCodec.decode(elements.get(3), reused, reusedKernel)).isSameAs(reusedKernel)
                .isEqualTo(KERNEL);
        assertThat(NodeEventCodec.decode(elements.get(4), reused, reusedKernel)).isEqualTo(SAMPLE);
        assertThat(NodeEventCodec.bytes(elements.get(3))).as("a copy of its own, for a dead letter")
                .isEqualTo(NodeEventCodec.encode(KERNEL));

        BatchElements ranges = (BatchElements) elements;
        assertThat(NodeEventCodec.decode(ranges, 0, reused, reusedKernel)).isSameAs(reused).isEqualTo(CROSSING);
        assertThat(NodeEventCodec.decode(ranges, 1, reused, reusedKernel)).isEqualTo(CROSSING);
        assertThatThrownBy(() -> NodeEventCodec.decode(ranges, 2, reused, reusedKernel))
                .isInstanceOf(SchemaDecodingException.class).hasMessageContaining("EOFException");
        assertThat(NodeEventCodec.decode(ranges, 3, reused, reusedKernel)).isSameAs(reusedKernel).isEqualTo(KERNEL);
        assertThat(NodeEventCodec.decode(ranges, 4, reused, reusedKernel)).isEqualTo(SAMPLE);
        assertThatThrownBy(() -> NodeEventCodec.decode(ranges, 5, reused, reusedKernel))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(elements).as("the same elements as a list of views").isEqualTo(batch.getEvents());
    }

    @Test
    void shouldCarryTheSameBytesAsThePerEventTopic() {
        byte[] element = NodeEventCodec.encode(CROSSING);
        assertThat(element).isEqualTo(BridgewatchSerdes.crossing().serialize(Topics.CROSSINGS, CROSSING));
    }

    @Test
    void shouldReadAnEventWrittenWithItsReleasedSchema() throws Exception {
        assertThat(NodeEventCodec.decode(writtenWithFirstReleasedSchema(CROSSING))).isEqualTo(CROSSING);
    }

    /**
     * Read into a record reused from a newer event, an event of a released schema gets the current schema's defaults
     * for the fields it lacks (host_call, bytes_known: true), not what the record held.
     */
    @Test
    void shouldReadEventsIntoReusedRecordsAsIntoNewOnes() throws Exception {
        Crossing gpuOnly = Crossing.newBuilder(CROSSING).setHostCall(false).setBytesKnown(false).build();
        Crossing reused = new Crossing();
        KernelExec reusedKernel = new KernelExec();
        assertThat(NodeEventCodec.decode(NodeEventCodec.encode(gpuOnly), reused, reusedKernel)).isSameAs(reused)
                .isEqualTo(gpuOnly);
        assertThat(NodeEventCodec.decode(writtenWithFirstReleasedSchema(CROSSING), reused, reusedKernel))
                .isSameAs(reused).isEqualTo(CROSSING);
        KernelExec graph = KernelExec.newBuilder(KERNEL).setGrid(List.of(4, 2, 1)).setBlock(List.of(128, 1, 1))
                .build();
        assertThat(NodeEventCodec.decode(NodeEventCodec.encode(graph), reused, reusedKernel)).isSameAs(reusedKernel)
                .isEqualTo(graph);
        assertThat(NodeEventCodec.decode(NodeEventCodec.encode(KERNEL), reused, reusedKernel)).isEqualTo(KERNEL);
        assertThat(NodeEventCodec.decode(NodeEventCodec.encode(SAMPLE), reused, reusedKernel)).isEqualTo(SAMPLE);
    }

    private static byte[] writtenWithFirstReleasedSchema(Crossing crossing) throws Exception {
        Schema released = ReleasedSchemas.writerSchemasOf(Crossing.getClassSchema().getFullName()).get(0);
        GenericRecord old = new GenericData.Record(released);
        for (Schema.Field field : released.getFields()) {
            old.put(field.name(), GenericData.get().deepCopy(field.schema(), crossing.get(field.name())));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(released)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(released).write(old, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void shouldRefuseAnElementOfAnUnknownSchema() {
        byte[] unknown = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(0x1234_5678_9ABC_DEF0L).array();
        assertThatThrownBy(() -> NodeEventCodec.decode(unknown)).isInstanceOf(SchemaDecodingException.class)
                .hasMessageContaining("not the single-object encoding of a known");
    }

    @Test
    void shouldCopyAnElementOutOfALargerBufferOnly() {
        ByteBuffer view = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}, 1, 3).slice();
        assertThat(NodeEventCodec.bytes(view)).containsExactly(1, 2, 3);
        assertThat(view.remaining()).isEqualTo(3);
        byte[] whole = {1, 2, 3};
        assertThat(NodeEventCodec.bytes(ByteBuffer.wrap(whole))).as("no copy of a whole array").isSameAs(whole);
    }
}
