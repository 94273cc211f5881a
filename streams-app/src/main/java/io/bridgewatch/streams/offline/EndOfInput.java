package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.EngineKind;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.streams.TopologyConfig;
import io.bridgewatch.streams.cohort.Cohorts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * An end-of-input watermark for a finite input. Windows close on stream time, which stops at a finite input's last
 * event; the watermark is a node of its own cohort whose events, far after the input, move stream time past every
 * window and grace: at the first instant the input's node windows close, and the watermark's own window results,
 * at the second, close the cohort windows. Each instant has a copy and a kernel, as some processors see only
 * kernels. Its results are to be ignored ({@link #isWatermark}). Used by {@link OfflinePipeline} and by an import
 * into a private broker.
 */
public final class EndOfInput {
    public static final String NODE = "~end-of-input";
    private static final long NS_PER_MS = 1_000_000L;

    private EndOfInput() {
    }

    /** The two instants (ms) after an input whose latest event is at {@code latestEventMs}. */
    public static long[] instantsMs(TopologyConfig config, long latestEventMs) {
        // Past every node's windows by the silence rule: the watermark is a node of its own.
        long nodeSpan = config.nodeClose().span() + config.nodeSilence().toMillis();
        long cohortSpan = config.cohortClose().span();
        long first = latestEventMs + nodeSpan + cohortSpan + 1;
        return new long[] {first, first + nodeSpan + 1};
    }

    public static boolean isWatermark(CharSequence nodeOrCohort) {
        return nodeOrCohort.toString().contains(NODE);
    }

    /**
     * Watermark nodes for a broker whose topics have {@code partitions} partitions: between them, their events land
     * in every partition of the input topics and their node-window results in every partition of the cohort
     * repartition topic (each is a cohort of its own), so that every task's stream time passes the input's end.
     */
    public static List<String> nodesCovering(int partitions) {
        Set<Integer> nodePartitions = new HashSet<>();
        Set<Integer> cohortPartitions = new HashSet<>();
        List<String> nodes = new ArrayList<>();
        for (int k = 0; nodePartitions.size() < partitions || cohortPartitions.size() < partitions; k++) {
            String id = NODE + "-" + k;
            boolean newNodePartition = nodePartitions.add(partitionOf(id, partitions));
            boolean newCohortPartition = cohortPartitions.add(partitionOf(Cohorts.key(node(id, 0)), partitions));
            if (newNodePartition || newCohortPartition) {
                nodes.add(id);
            }
        }
        return nodes;
    }

    /** Kafka's default partitioner for a string key. */
    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    public static NodeInfo node(long timeMs) {
        return node(NODE, timeMs);
    }

    public static Crossing copy(long timeMs) {
        return copy(NODE, timeMs);
    }

    public static KernelExec kernel(long timeMs) {
        return kernel(NODE, timeMs);
    }

    /** A watermark node's facts: a cohort of its own (its model is its id). */
    public static NodeInfo node(String id, long timeMs) {
        return NodeInfo.newBuilder().setNodeId(id).setHost(id).setGpuSku(NODE).setGpuUuids(List.of())
                .setDriverVersion("0").setCudaVersion("").setCcMode(CcMode.UNKNOWN).setTeeType("")
                .setEngine(EngineKind.OTHER).setEngineVersion("").setModel(id).setTensorParallelSize(1)
                .setAsyncScheduling(false).setMitigations(List.of()).setMaxConcurrency(1)
                .setSource(EventSource.OTHER).setStartedAtNs(timeMs * NS_PER_MS).setLabels(Map.of()).build();
    }

    public static Crossing copy(String node, long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return Crossing.newBuilder().setNodeId(node).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(0).setApi("end-of-input").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(1).setAsyncRequested(false).setApiStartNs(ns)
                .setApiEndNs(ns + 1).build();
    }

    public static KernelExec kernel(String node, long timeMs) {
        long ns = timeMs * NS_PER_MS;
        return KernelExec.newBuilder().setNodeId(node).setGpuIndex(0).setPid(0).setTid(0).setContextId(0)
                .setStreamId(0).setCorrelationId(1).setKernelName("end-of-input").setGrid(List.of())
                .setBlock(List.of()).setApiStartNs(ns).setApiEndNs(ns + 1).setGpuStartNs(ns + 2).setGpuEndNs(ns + 3)
                .build();
    }
}
