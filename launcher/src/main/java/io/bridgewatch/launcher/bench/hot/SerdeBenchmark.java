package io.bridgewatch.launcher.bench.hot;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventBatchEncoder;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A crossing through the codec the collector and the topology use, alone and in a batch of 64 (per event). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {
    static final int BATCH = 64;
    private Crossing crossing;
    private byte[] encoded;
    private List<byte[]> elements;
    private static final SingleObjectSerde<NodeEventBatch> BATCHES = BridgewatchSerdes.of(NodeEventBatch.class);
    private NodeEventBatch batch;
    private byte[] encodedBatch;
    private byte[] encodedKernel;
    private final Crossing crossingRead = new Crossing();
    private final KernelExec kernelRead = new KernelExec();
    private final NodeEventBatchEncoder batchEncoder = new NodeEventBatchEncoder();

    @Setup
    public void setUp() {
        crossing = crossing(1);
        encoded = NodeEventCodec.encode(crossing);
        encodedKernel = NodeEventCodec.encode(kernel(1));
        elements = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            elements.add(NodeEventCodec.encode(crossing(i)));
        }
        batch = NodeEventCodec.batch("cvm-7", elements);
        encodedBatch = BATCHES.serialize(Topics.NODE_EVENTS, batch);
    }

    @Benchmark
    public byte[] encodeCrossing() {
        return NodeEventCodec.encode(crossing);
    }

    @Benchmark
    public SpecificRecord decodeCrossing() {
        return NodeEventCodec.decode(encoded);
    }

    /** As the topology reads a batch's copies: into one reused record. */
    @Benchmark
    public SpecificRecord decodeCrossingReused() {
        return NodeEventCodec.decode(encoded, crossingRead, kernelRead);
    }

    /** A kernel launch (a 40-character name, grid and block), as the topology reads it. */
    @Benchmark
    public SpecificRecord decodeKernelReused() {
        return NodeEventCodec.decode(encodedKernel, crossingRead, kernelRead);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public NodeEventBatch batchOf64() {
        return NodeEventCodec.batch("cvm-7", elements);
    }

    /** A collector's batch record of 64 encoded copies, as it sends it: element by element into one array. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] encodeBatchOf64() {
        for (byte[] element : elements) {
            batchEncoder.add(element);
        }
        return batchEncoder.finish("cvm-7");
    }

    /** The same record as the batch serde writes it from a list of the elements (how collectors built it before). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] encodeBatchOf64ThroughTheSerde() {
        return BATCHES.serialize(Topics.NODE_EVENTS, NodeEventCodec.batch("cvm-7", elements));
    }

    /** As the topology reads a batch record: the batch, then each copy where it lies, into one reused record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long readBatchOf64() {
        long sum = 0;
        for (ByteBuffer element : BATCHES.deserialize(Topics.NODE_EVENTS, encodedBatch).getEvents()) {
            sum += ((Crossing) NodeEventCodec.decode(element, crossingRead, kernelRead)).getApiEndNs();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<SpecificRecord> unbatchOf64() {
        return NodeEventCodec.events(batch);
    }

    static KernelExec kernel(long i) {
        long start = 1_790_000_000_000_000_000L + i * 10_000;
        return KernelExec.newBuilder().setNodeId("cvm-7").setGpuIndex(0).setPid(4242).setTid(4243).setContextId(1)
                .setStreamId(7).setCorrelationId(i).setKernelName("void at::native::vectorized_elementwise_k")
                .setGrid(List.of(1024, 1, 1)).setBlock(List.of(128, 1, 1)).setApiStartNs(start)
                .setApiEndNs(start + 3_000).setGpuStartNs(start + 5_000).setGpuEndNs(start + 25_000).build();
    }

    static Crossing crossing(long i) {
        long start = 1_790_000_000_000_000_000L + i * 10_000;
        return Crossing.newBuilder().setNodeId("cvm-7").setGpuIndex(0).setPid(4242).setTid(4243).setContextId(1)
                .setStreamId(7).setCorrelationId(i).setApi("cudaMemcpyAsync").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(4096 + i).setAsyncRequested(true)
                .setApiStartNs(start).setApiEndNs(start + 6_000).setGpuStartNs(start + 4_000)
                .setGpuEndNs(start + 9_000).build();
    }
}
