package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.streams.internal.ConcurrencyGroupState;
import io.bridgewatch.streams.internal.ConcurrencyWindowState;
import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The concurrency state of one node window as live objects (unsealed intervals decoded), kept in an object-cached
 * store; stored as {@link ConcurrencyWindowState} (Avro) when the store writes it.
 */
public final class ConcurrencyState {
    /** Latest record times of each input: intervals are sealed only up to where both have come. */
    long maxCopyRecordTimeNs = Long.MIN_VALUE;
    long maxKernelRecordTimeNs = Long.MIN_VALUE;
    final Map<String, Group> groups = new HashMap<>();
    /** The groups of the latest sample (not stored): the next one is most often of the same. */
    Group latestOwnContext;
    Group latestAllContexts;

    /** One (gpu, context or all contexts, form) group. */
    static final class Group {
        final int gpuIndex;
        final Long contextId;
        final String form;
        long copies;
        long copyNs;
        long sealedToNs = Long.MIN_VALUE;
        long sealedUnionNs;
        long sealedCopyComputeNs;
        long overlappedCopies;
        long reordered;
        OpenCopies openCopies = OpenCopies.empty();
        /** A union (disjoint, non-adjacent, sorted by start), as adding a kernel keeps it. */
        List<Interval> openKernels = new ArrayList<>();

        Group(int gpuIndex, Long contextId, String form) {
            this.gpuIndex = gpuIndex;
            this.contextId = contextId;
            this.form = form;
        }
    }

    /** The serde of the state store: live objects in, {@link ConcurrencyWindowState} on disk and changelog. */
    public static Serde<ConcurrencyState> serde() {
        Serde<ConcurrencyWindowState> avro = BridgewatchSerdes.of(ConcurrencyWindowState.class);
        Serializer<ConcurrencyState> serializer = (topic, state) -> state == null ? null
                : avro.serializer().serialize(topic, toAvro(state));
        Deserializer<ConcurrencyState> deserializer = (topic, bytes) -> bytes == null ? null
                : fromAvro(avro.deserializer().deserialize(topic, bytes));
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static ConcurrencyWindowState toAvro(ConcurrencyState state) {
        Map<String, ConcurrencyGroupState> groups = new HashMap<>();
        state.groups.forEach((key, g) -> groups.put(key, new ConcurrencyGroupState(g.gpuIndex, g.contextId, g.form,
                g.copies, g.copyNs, g.sealedToNs, g.sealedUnionNs, g.sealedCopyComputeNs, g.overlappedCopies,
                g.reordered, g.openCopies.encode(), PackedSpans.encode(g.openKernels))));
        return new ConcurrencyWindowState(state.maxCopyRecordTimeNs, state.maxKernelRecordTimeNs, groups);
    }

    static ConcurrencyState fromAvro(ConcurrencyWindowState avro) {
        ConcurrencyState state = new ConcurrencyState();
        state.maxCopyRecordTimeNs = avro.getMaxRecordTimeNs();
        state.maxKernelRecordTimeNs = avro.getMaxKernelRecordTimeNs();
        avro.getGroups().forEach((key, a) -> {
            Group g = new Group(a.getGpuIndex(), a.getContextId(), a.getForm());
            g.copies = a.getCopies();
            g.copyNs = a.getCopyNs();
            g.sealedToNs = a.getSealedToNs();
            g.sealedUnionNs = a.getSealedUnionNs();
            g.sealedCopyComputeNs = a.getSealedCopyComputeNs();
            g.overlappedCopies = a.getOverlappedCopies();
            g.reordered = a.getReordered();
            g.openCopies = OpenCopies.decode(a.getOpenCopies());
            g.openKernels = new ArrayList<>(IntervalSets.union(PackedSpans.decode(a.getOpenKernels())));
            state.groups.put(key, g);
        });
        return state;
    }
}
