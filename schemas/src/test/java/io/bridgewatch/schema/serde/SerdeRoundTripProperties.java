package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.HistogramDelta;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.Phase;
import io.bridgewatch.schema.ServingSample;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.specific.SpecificRecord;

/** Every serde returns what it was given, for any value the schema allows. */
class SerdeRoundTripProperties {

    @Property
    void nodeInfoRoundTrips(@ForAll("nodeInfos") NodeInfo value) {
        assertRoundTrip(BridgewatchSerdes.nodeInfo(), value);
    }

    @Property
    void crossingRoundTrips(@ForAll("crossings") Crossing value) {
        assertRoundTrip(BridgewatchSerdes.crossing(), value);
    }

    @Property
    void kernelExecRoundTrips(@ForAll("kernels") KernelExec value) {
        assertRoundTrip(BridgewatchSerdes.kernelExec(), value);
    }

    @Property
    void servingSampleRoundTrips(@ForAll("servingSamples") ServingSample value) {
        assertRoundTrip(BridgewatchSerdes.servingSample(), value);
    }

    @Property
    void bridgeCostWindowRoundTrips(@ForAll("costWindows") BridgeCostWindow value) {
        assertRoundTrip(BridgewatchSerdes.bridgeCostWindow(), value);
    }

    @Property
    void deadLetterRoundTrips(@ForAll("deadLetters") DeadLetter value) {
        assertRoundTrip(BridgewatchSerdes.deadLetter(), value);
    }

    /**
     * The events' direct readers read what Avro's own reader reads from the same bytes, into a fresh record and into
     * one that held another event (the topology reads into reused records).
     */
    @Property
    void crossingDirectReaderReadsAsAvro(@ForAll("crossings") Crossing value, @ForAll("crossings") Crossing held)
            throws java.io.IOException {
        assertReadAsAvro(new CrossingReader(), value, held, Crossing.getClassSchema());
    }

    @Property
    void kernelDirectReaderReadsAsAvro(@ForAll("kernels") KernelExec value, @ForAll("kernels") KernelExec held)
            throws java.io.IOException {
        assertReadAsAvro(new KernelExecReader(), value, held, KernelExec.getClassSchema());
    }

    @Property
    void batchDirectReaderReadsAsAvro(@ForAll("batches") NodeEventBatch value,
            @ForAll("batches") NodeEventBatch held) throws java.io.IOException {
        assertReadAsAvro(new NodeEventBatchReader(), value, held, NodeEventBatch.getClassSchema());
    }

    @Provide
    Arbitrary<NodeEventBatch> batches() {
        Arbitrary<ByteBuffer> element = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(ByteBuffer::wrap);
        return Combinators.combine(text(), element.list().ofMaxSize(20))
                .as(NodeEventBatch::new);
    }

    /** A kernel launched with the same shape as the one read before keeps that one's lists. */
    @Property
    void kernelDirectReaderKeepsAnEqualShape(@ForAll("kernels") KernelExec value) throws java.io.IOException {
        KernelExec held = KernelExec.newBuilder(value).build();
        KernelExec read = new KernelExecReader().read(held, decoderOf(value, KernelExec.getClassSchema()));
        assertThat(read.getGrid()).isSameAs(held.getGrid()).isEqualTo(value.getGrid());
    }

    private static <T extends SpecificRecord> void assertReadAsAvro(org.apache.avro.io.DatumReader<T> direct,
            T value, T held, org.apache.avro.Schema schema) throws java.io.IOException {
        T byAvro = new org.apache.avro.specific.SpecificDatumReader<T>(schema).read(null, decoderOf(value, schema));
        assertThat(direct.read(null, decoderOf(value, schema))).isEqualTo(byAvro).isEqualTo(value);
        @SuppressWarnings("unchecked")
        T copy = (T) org.apache.avro.specific.SpecificData.get().deepCopy(schema, held);
        assertThat(direct.read(copy, decoderOf(value, schema))).isEqualTo(byAvro);
    }

    private static org.apache.avro.io.Decoder decoderOf(SpecificRecord value, org.apache.avro.Schema schema)
            throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(schema).write(value, encoder);
        encoder.flush();
        return org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
    }

    private static <T extends SpecificRecord> void assertRoundTrip(SingleObjectSerde<T> serde, T value) {
        assertThat(serde.deserialize("t", serde.serialize("t", value))).isEqualTo(value);
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(40);
    }

    private static Arbitrary<Long> nanos() {
        return Arbitraries.longs().between(0, 4_000_000_000_000_000_000L);
    }

    @Provide
    Arbitrary<NodeInfo> nodeInfos() {
        return Builders.withBuilder(NodeInfo::newBuilder)
                .use(text()).in(NodeInfo.Builder::setNodeId)
                .use(text()).in(NodeInfo.Builder::setHost)
                .use(text()).in(NodeInfo.Builder::setGpuSku)
                .use(text().list().ofMaxSize(8)).in(NodeInfo.Builder::setGpuUuids)
                .use(text()).in(NodeInfo.Builder::setDriverVersion)
                .use(text()).in(NodeInfo.Builder::setCudaVersion)
                .use(Arbitraries.of(CcMode.class)).in(NodeInfo.Builder::setCcMode)
                .use(text()).in(NodeInfo.Builder::setTeeType)
                .use(Arbitraries.of(EngineKind.class)).in(NodeInfo.Builder::setEngine)
                .use(text()).in(NodeInfo.Builder::setEngineVersion)
                .use(text()).in(NodeInfo.Builder::setModel)
                .use(Arbitraries.integers().between(1, 64)).in(NodeInfo.Builder::setTensorParallelSize)
                .use(Arbitraries.of(true, false)).in(NodeInfo.Builder::setAsyncScheduling)
                .use(text().list().ofMaxSize(4)).in(NodeInfo.Builder::setMitigations)
                .use(Arbitraries.integers().between(1, 4096)).in(NodeInfo.Builder::setMaxConcurrency)
                .use(Arbitraries.of(EventSource.class)).in(NodeInfo.Builder::setSource)
                .use(nanos()).in(NodeInfo.Builder::setStartedAtNs)
                .use(Arbitraries.maps(text(), text()).ofMaxSize(4)).in(NodeInfo.Builder::setLabels)
                .build(NodeInfo.Builder::build);
    }

    @Provide
    Arbitrary<Crossing> crossings() {
        return Builders.withBuilder(Crossing::newBuilder)
                .use(text()).in(Crossing.Builder::setNodeId)
                .use(Arbitraries.integers().between(0, 15)).in(Crossing.Builder::setGpuIndex)
                .use(Arbitraries.integers()).in(Crossing.Builder::setPid)
                .use(Arbitraries.longs()).in(Crossing.Builder::setTid)
                .use(Arbitraries.longs()).in(Crossing.Builder::setContextId)
                .use(Arbitraries.longs()).in(Crossing.Builder::setStreamId)
                .use(Arbitraries.longs()).in(Crossing.Builder::setCorrelationId)
                .use(text()).in(Crossing.Builder::setApi)
                .use(Arbitraries.of(Direction.class)).in(Crossing.Builder::setDirection)
                .use(Arbitraries.of(HostMemoryKind.class)).in(Crossing.Builder::setHostMemory)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(Crossing.Builder::setBytes)
                .use(Arbitraries.of(true, false)).in(Crossing.Builder::setAsyncRequested)
                .use(nanos()).in(Crossing.Builder::setApiStartNs)
                .use(nanos()).in(Crossing.Builder::setApiEndNs)
                .use(nanos().injectNull(0.3)).in(Crossing.Builder::setGpuStartNs)
                .use(nanos().injectNull(0.3)).in(Crossing.Builder::setGpuEndNs)
                .use(nanos().injectNull(0.5)).in(Crossing.Builder::setHostSyncEndNs)
                .use(Arbitraries.of(Phase.class).injectNull(0.3)).in(Crossing.Builder::setPhase)
                .use(Arbitraries.integers()).in(Crossing.Builder::setStatusCode)
                .build(Crossing.Builder::build);
    }

    @Provide
    Arbitrary<KernelExec> kernels() {
        Arbitrary<java.util.List<Integer>> dims = Arbitraries.integers().between(1, 65535).list().ofMaxSize(3);
        return Builders.withBuilder(KernelExec::newBuilder)
                .use(text()).in(KernelExec.Builder::setNodeId)
                .use(Arbitraries.integers().between(0, 15)).in(KernelExec.Builder::setGpuIndex)
                .use(Arbitraries.integers()).in(KernelExec.Builder::setPid)
                .use(Arbitraries.longs()).in(KernelExec.Builder::setTid)
                .use(Arbitraries.longs()).in(KernelExec.Builder::setContextId)
                .use(Arbitraries.longs()).in(KernelExec.Builder::setStreamId)
                .use(Arbitraries.longs()).in(KernelExec.Builder::setCorrelationId)
                .use(text()).in(KernelExec.Builder::setKernelName)
                .use(dims).in(KernelExec.Builder::setGrid)
                .use(dims).in(KernelExec.Builder::setBlock)
                .use(Arbitraries.longs().injectNull(0.5)).in(KernelExec.Builder::setGraphId)
                .use(nanos()).in(KernelExec.Builder::setApiStartNs)
                .use(nanos()).in(KernelExec.Builder::setApiEndNs)
                .use(nanos().injectNull(0.3)).in(KernelExec.Builder::setGpuStartNs)
                .use(nanos().injectNull(0.3)).in(KernelExec.Builder::setGpuEndNs)
                .use(Arbitraries.of(Phase.class).injectNull(0.3)).in(KernelExec.Builder::setPhase)
                .build(KernelExec.Builder::build);
    }

    @Provide
    Arbitrary<ServingSample> servingSamples() {
        Arbitrary<HistogramDelta> histograms = Combinators.combine(
                Arbitraries.doubles().between(0, 100).list().ofMaxSize(6),
                Arbitraries.longs().greaterOrEqual(0).list().ofMaxSize(7),
                Arbitraries.doubles().between(0, 1e6), Arbitraries.longs().greaterOrEqual(0))
                .as((bounds, counts, sum, count) -> new HistogramDelta(bounds, counts, sum, count));
        return Builders.withBuilder(ServingSample::newBuilder)
                .use(text()).in(ServingSample.Builder::setNodeId)
                .use(nanos()).in(ServingSample.Builder::setIntervalStartNs)
                .use(nanos()).in(ServingSample.Builder::setIntervalEndNs)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(ServingSample.Builder::setOutputTokens)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(ServingSample.Builder::setPromptTokens)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(ServingSample.Builder::setRequestsFinished)
                .use(Arbitraries.doubles().between(0, 1e4)).in(ServingSample.Builder::setRunningRequests)
                .use(histograms.injectNull(0.3)).in(ServingSample.Builder::setTimeToFirstToken)
                .use(histograms.injectNull(0.3)).in(ServingSample.Builder::setInterTokenLatency)
                .build(ServingSample.Builder::build);
    }

    @Provide
    Arbitrary<BridgeCostWindow> costWindows() {
        Arbitrary<Double> seconds = Arbitraries.doubles().between(0, 10);
        return Builders.withBuilder(BridgeCostWindow::newBuilder)
                .use(text()).in(BridgeCostWindow.Builder::setNodeId)
                .use(Arbitraries.integers().between(0, 15)).in(BridgeCostWindow.Builder::setGpuIndex)
                .use(Arbitraries.of(Direction.class)).in(BridgeCostWindow.Builder::setDirection)
                .use(Arbitraries.of(HostMemoryKind.class)).in(BridgeCostWindow.Builder::setHostMemory)
                .use(Arbitraries.of(CostForm.class)).in(BridgeCostWindow.Builder::setForm)
                .use(nanos()).in(BridgeCostWindow.Builder::setWindowStartNs)
                .use(nanos()).in(BridgeCostWindow.Builder::setWindowEndNs)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(BridgeCostWindow.Builder::setCrossings)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(BridgeCostWindow.Builder::setBytes)
                .use(seconds).in(BridgeCostWindow.Builder::setCostP50S)
                .use(seconds).in(BridgeCostWindow.Builder::setCostP95S)
                .use(seconds).in(BridgeCostWindow.Builder::setCostP99S)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(BridgeCostWindow.Builder::setSmallCrossings)
                .use(seconds.injectNull(0.3)).in(BridgeCostWindow.Builder::setSmallCostP50S)
                .use(seconds.injectNull(0.3)).in(BridgeCostWindow.Builder::setTollS)
                .use(Arbitraries.doubles().between(1, 1e12).injectNull(0.3))
                .in(BridgeCostWindow.Builder::setBandwidthBytesPerS)
                .use(Arbitraries.integers().between(0, 40)).in(BridgeCostWindow.Builder::setFitBins)
                .use(Arbitraries.doubles().between(-1, 1).injectNull(0.3)).in(BridgeCostWindow.Builder::setFitRSquared)
                .use(Arbitraries.doubles().between(1, 1e12).injectNull(0.3))
                .in(BridgeCostWindow.Builder::setDmaBandwidthBytesPerS)
                .build(BridgeCostWindow.Builder::build);
    }

    @Provide
    Arbitrary<DeadLetter> deadLetters() {
        Arbitrary<ByteBuffer> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(ByteBuffer::wrap);
        return Builders.withBuilder(DeadLetter::newBuilder)
                .use(text()).in(DeadLetter.Builder::setSourceTopic)
                .use(Arbitraries.integers().greaterOrEqual(0)).in(DeadLetter.Builder::setSourcePartition)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(DeadLetter.Builder::setSourceOffset)
                .use(Arbitraries.longs().greaterOrEqual(0)).in(DeadLetter.Builder::setRecordTimestampMs)
                .use(Arbitraries.of("deserialization", "processing", "late")).in(DeadLetter.Builder::setStage)
                .use(text()).in(DeadLetter.Builder::setReason)
                .use(text().injectNull(0.3)).in(DeadLetter.Builder::setErrorClass)
                .use(bytes.injectNull(0.3)).in(DeadLetter.Builder::setKey)
                .use(bytes.injectNull(0.3)).in(DeadLetter.Builder::setValue)
                .build(DeadLetter.Builder::build);
    }
}
