package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.streams.internal.ConcurrencyGroupState;
import io.bridgewatch.streams.internal.ConcurrencyWindowState;
import io.bridgewatch.streams.internal.IntervalSample;
import io.bridgewatch.streams.internal.OpenCopy;
import io.bridgewatch.streams.internal.Span;
import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
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
public final class ConcurrencyAggregator {
    private static final double NS = 1e-9;
    private static final String ALL_CONTEXTS = "*";

    private final long reorderSlackNs;

    public ConcurrencyAggregator(long reorderSlackNs) {
        this.reorderSlackNs = reorderSlackNs;
    }

    public static ConcurrencyWindowState empty() {
        return new ConcurrencyWindowState(Long.MIN_VALUE, new HashMap<>());
    }

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
            seal(group, sealTo);
        }
        return state;
    }

    private static ConcurrencyGroupState group(ConcurrencyWindowState state, IntervalSample sample, String context) {
        String key = sample.getGpuIndex() + "|" + context + "|" + sample.getForm();
        return state.getGroups().computeIfAbsent(key, k -> new ConcurrencyGroupState(sample.getGpuIndex(),
                context.equals(ALL_CONTEXTS) ? null : sample.getContextId(), sample.getForm(), 0L, 0L,
                Long.MIN_VALUE, 0L, 0L, 0L, 0L, new ArrayList<>(), new ArrayList<>()));
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
        OpenCopy copy = new OpenCopy(start, end, sample.getStreamId(), false);
        for (OpenCopy other : group.getOpenCopies()) {
            if (other.getStreamId() == copy.getStreamId()) {
                continue;
            }
            if (other.getStartNs() <= copy.getStartNs() && copy.getStartNs() < other.getEndNs()) {
                copy.setOverlapped(true);
            }
            if (copy.getStartNs() <= other.getStartNs() && other.getStartNs() < copy.getEndNs()) {
                other.setOverlapped(true);
            }
        }
        group.getOpenCopies().add(copy);
    }

    private static void addKernel(ConcurrencyGroupState group, IntervalSample sample) {
        long start = Math.max(sample.getStartNs(), group.getSealedToNs());
        if (sample.getEndNs() <= start) {
            return;
        }
        List<Interval> spans = new ArrayList<>(group.getOpenKernels().stream()
                .map(s -> new Interval(s.getStartNs(), s.getEndNs())).toList());
        spans.add(new Interval(start, sample.getEndNs()));
        group.setOpenKernels(new ArrayList<>(IntervalSets.union(spans).stream()
                .map(i -> new Span(i.startNs(), i.endNs())).toList()));
    }

    /** Folds everything before {@code sealTo} into the sums and drops intervals that end before it. */
    private static void seal(ConcurrencyGroupState group, long sealTo) {
        if (sealTo <= group.getSealedToNs()) {
            return;
        }
        long from = group.getSealedToNs();
        List<Interval> copies = IntervalSets.clip(group.getOpenCopies().stream()
                .map(c -> new Interval(c.getStartNs(), c.getEndNs())).toList(), from, sealTo);
        List<Interval> kernels = IntervalSets.clip(group.getOpenKernels().stream()
                .map(s -> new Interval(s.getStartNs(), s.getEndNs())).toList(), from, sealTo);
        group.setSealedUnionNs(group.getSealedUnionNs() + IntervalSets.unionMeasure(copies));
        group.setSealedCopyComputeNs(group.getSealedCopyComputeNs()
                + IntervalSets.intersectionMeasure(copies, kernels));
        long overlapped = group.getOpenCopies().stream()
                .filter(c -> c.getEndNs() <= sealTo && c.getOverlapped()).count();
        group.setOverlappedCopies(group.getOverlappedCopies() + overlapped);
        // Decoded Avro arrays cannot remove in place: keep fresh lists of what is still open.
        group.setOpenCopies(new ArrayList<>(group.getOpenCopies().stream().filter(c -> c.getEndNs() > sealTo).toList()));
        group.setOpenKernels(new ArrayList<>(group.getOpenKernels().stream().filter(k -> k.getEndNs() > sealTo).toList()));
        group.setSealedToNs(sealTo);
    }

    /** One result per group with copies, in a stable order; seals everything first (the window is closed). */
    public static List<ConcurrencyWindow> results(String nodeId, long windowStartNs, long windowEndNs,
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
