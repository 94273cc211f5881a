package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.streams.internal.ConcurrencyGroupState;
import io.bridgewatch.streams.internal.ConcurrencyWindowState;
import io.bridgewatch.streams.internal.IntervalSample;
import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
import io.bridgewatch.streams.window.NodeWindowAggregation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * Copy concurrency of a node's window (DESIGN 4.3), kept per (gpu, context, form) and per (gpu, all contexts,
 * form).
 *
 * <p>The state stays small: intervals that start before {@code latest record time - reorder slack} can no longer
 * gain overlaps from later records (a record's intervals start after its host API entry), so they are folded into
 * sums (sealed). An interval that arrives after its time was sealed is counted as not overlapping and reported.
 */
public final class ConcurrencyAggregator
        implements NodeWindowAggregation<IntervalSample, ConcurrencyWindowState, ConcurrencyWindow> {
    private static final double NS = 1e-9;
    private static final String ALL_CONTEXTS = "*";
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final long reorderSlackNs;
    /** Sealing in steps rather than on every record: later sealing is as exact, and cheaper. */
    private final long sealStepNs;

    public ConcurrencyAggregator(long reorderSlackNs) {
        this.reorderSlackNs = reorderSlackNs;
        this.sealStepNs = Math.max(1, reorderSlackNs / 4);
    }

    @Override
    public ConcurrencyWindowState empty() {
        return new ConcurrencyWindowState(Long.MIN_VALUE, new HashMap<>());
    }

    @Override
    public ConcurrencyWindowState add(IntervalSample sample, ConcurrencyWindowState state) {
        state.setMaxRecordTimeNs(Math.max(state.getMaxRecordTimeNs(), sample.getRecordTimeNs()));
        long sealTo = state.getMaxRecordTimeNs() - reorderSlackNs;
        for (ConcurrencyGroupState group : List.of(group(state, sample, Long.toString(sample.getContextId())),
                group(state, sample, ALL_CONTEXTS))) {
            if (sample.getKernel()) {
                addKernel(group, sample);
            } else {
                addCopy(group, sample);
            }
            if (group.getSealedToNs() == Long.MIN_VALUE || sealTo - group.getSealedToNs() >= sealStepNs) {
                seal(group, sealTo);
            }
        }
        return state;
    }

    private static ConcurrencyGroupState group(ConcurrencyWindowState state, IntervalSample sample, String context) {
        String key = sample.getGpuIndex() + "|" + context + "|" + sample.getForm();
        return state.getGroups().computeIfAbsent(key, k -> new ConcurrencyGroupState(sample.getGpuIndex(),
                context.equals(ALL_CONTEXTS) ? null : sample.getContextId(), sample.getForm(), 0L, 0L,
                Long.MIN_VALUE, 0L, 0L, 0L, 0L, EMPTY, EMPTY));
    }

    private static void addCopy(ConcurrencyGroupState group, IntervalSample sample) {
        if (sample.getCopyLengthNs() > 0) {
            group.setCopies(group.getCopies() + 1); // the first piece of a copy split across windows
        }
        long start = sample.getStartNs();
        long end = sample.getEndNs();
        group.setCopyNs(group.getCopyNs() + Math.max(0, end - start));
        if (start < group.getSealedToNs()) {
            // Too late to know its overlaps: the sealed part counts as its own, non-overlapping bridge time.
            group.setReordered(group.getReordered() + 1);
            long sealedPart = Math.min(end, group.getSealedToNs()) - start;
            group.setSealedUnionNs(group.getSealedUnionNs() + Math.max(0, sealedPart));
            start = group.getSealedToNs();
            if (end <= start) {
                return;
            }
        }
        OpenCopies open = OpenCopies.decode(group.getOpenCopies());
        open.add(start, end, sample.getStreamId());
        group.setOpenCopies(open.encode());
    }

    private static void addKernel(ConcurrencyGroupState group, IntervalSample sample) {
        long start = Math.max(sample.getStartNs(), group.getSealedToNs());
        if (sample.getEndNs() <= start) {
            return;
        }
        List<Interval> spans = new ArrayList<>(PackedSpans.decode(group.getOpenKernels()));
        spans.add(new Interval(start, sample.getEndNs()));
        group.setOpenKernels(PackedSpans.encode(IntervalSets.union(spans)));
    }

    /** Folds everything before {@code sealTo} into the sums and drops intervals that end before it. */
    private static void seal(ConcurrencyGroupState group, long sealTo) {
        if (sealTo <= group.getSealedToNs()) {
            return;
        }
        long from = group.getSealedToNs();
        OpenCopies open = OpenCopies.decode(group.getOpenCopies());
        List<Interval> openKernels = PackedSpans.decode(group.getOpenKernels());
        if (open.size() > 0) {
            List<Interval> copies = IntervalSets.clip(open.intervals(), from, sealTo);
            group.setSealedUnionNs(group.getSealedUnionNs() + IntervalSets.unionMeasure(copies));
            group.setSealedCopyComputeNs(group.getSealedCopyComputeNs()
                    + IntervalSets.intersectionMeasure(copies, IntervalSets.clip(openKernels, from, sealTo)));
            group.setOverlappedCopies(group.getOverlappedCopies() + open.removeEndingBy(sealTo));
            group.setOpenCopies(open.encode());
        }
        group.setOpenKernels(PackedSpans.encode(openKernels.stream().filter(k -> k.endNs() > sealTo).toList()));
        group.setSealedToNs(sealTo);
    }

    /** One result per group with copies, in a stable order; seals everything first (the window is closed). */
    @Override
    public List<ConcurrencyWindow> results(String nodeId, long windowStartNs, long windowEndNs,
            ConcurrencyWindowState state) {
        List<ConcurrencyWindow> results = new ArrayList<>();
        state.getGroups().values().stream()
                .filter(g -> g.getCopies() > 0 || g.getCopyNs() > 0)
                .sorted(Comparator.comparing((ConcurrencyGroupState g) -> g.getGpuIndex())
                        .thenComparing(g -> g.getContextId() == null ? Long.MAX_VALUE : g.getContextId())
                        .thenComparing(ConcurrencyGroupState::getForm))
                .forEach(group -> {
                    seal(group, Long.MAX_VALUE);
                    results.add(result(nodeId, windowStartNs, windowEndNs, group));
                });
        return results;
    }

    private static ConcurrencyWindow result(String nodeId, long startNs, long endNs, ConcurrencyGroupState group) {
        CostForm form = CostForm.valueOf(group.getForm());
        long union = group.getSealedUnionNs();
        return ConcurrencyWindow.newBuilder()
                .setNodeId(nodeId)
                .setGpuIndex(group.getGpuIndex())
                .setContextId(group.getContextId())
                .setForm(form)
                .setWindowStartNs(startNs)
                .setWindowEndNs(endNs)
                .setCopies(group.getCopies())
                .setCopyTimeS(group.getCopyNs() * NS)
                .setCopyUnionS(union * NS)
                .setCopyConcurrencyIndex(union > 0 ? (double) group.getCopyNs() / union : null)
                .setBridgeOccupancy((double) union / (endNs - startNs))
                .setDifferentStreamOverlapFraction(group.getCopies() > 0
                        ? Math.min(1.0, (double) group.getOverlappedCopies() / group.getCopies()) : null)
                .setCopyComputeOverlapFraction(form == CostForm.GPU && union > 0
                        ? (double) group.getSealedCopyComputeNs() / union : null)
                .setReorderedIntervals(group.getReordered())
                .build();
    }
}
