package io.bridgewatch.streams.concurrency;

import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.CostForm;
import io.bridgewatch.streams.interval.Interval;
import io.bridgewatch.streams.interval.IntervalSets;
import io.bridgewatch.streams.window.WindowAggregation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Copy concurrency of a node's window (DESIGN 4.3), kept per (gpu, context, form) and per (gpu, all contexts,
 * form).
 *
 * <p>The state stays small: intervals that start before {@code latest record time - reorder slack} can no longer
 * gain overlaps from later records (a record's intervals start after its host API entry), so they are folded into
 * sums (sealed); the latest record time is that of the input behind, copies or kernels. An interval that arrives after its time was sealed is counted as not overlapping and reported.
 */
public final class ConcurrencyAggregator
        implements WindowAggregation<IntervalSample, ConcurrencyState, ConcurrencyWindow> {
    private static final double NS = 1e-9;

    private final long reorderSlackNs;
    /**
     * Sealing in steps rather than on every record: later sealing is as exact, and cheaper. A quarter of the slack:
     * steps of the whole slack sealed a quarter as often (sealing is a twelfth of the stream threads with 240 nodes),
     * but a dense trace ({@code bench trace}) kept more intervals open, ran its 512 MiB heap full and {@code analyze}
     * took a quarter longer.
     */
    private final long sealStepNs;

    public ConcurrencyAggregator(long reorderSlackNs) {
        this.reorderSlackNs = reorderSlackNs;
        this.sealStepNs = Math.max(1, reorderSlackNs / 4);
    }

    @Override
    public ConcurrencyState empty() {
        return new ConcurrencyState();
    }

    @Override
    public ConcurrencyState add(IntervalSample sample, ConcurrencyState state) {
        if (sample.getKernel()) {
            state.maxKernelRecordTimeNs = Math.max(state.maxKernelRecordTimeNs, sample.getRecordTimeNs());
        } else {
            state.maxCopyRecordTimeNs = Math.max(state.maxCopyRecordTimeNs, sample.getRecordTimeNs());
        }
        long sealTo = bothInputsReachedNs(state) - reorderSlackNs;
        addTo(group(state, sample, false), sample, sealTo);
        addTo(group(state, sample, true), sample, sealTo);
        return state;
    }

    /**
     * How far both inputs have come: one of a node's inputs may run ahead of the other (their partitions come back
     * unevenly after an outage), and intervals of the one behind can still overlap anything after its latest record.
     * An input not seen yet does not hold sealing back (a node without kernels).
     */
    private static long bothInputsReachedNs(ConcurrencyState state) {
        if (state.maxCopyRecordTimeNs == Long.MIN_VALUE || state.maxKernelRecordTimeNs == Long.MIN_VALUE) {
            return Math.max(state.maxCopyRecordTimeNs, state.maxKernelRecordTimeNs);
        }
        return Math.min(state.maxCopyRecordTimeNs, state.maxKernelRecordTimeNs);
    }

    private void addTo(ConcurrencyState.Group group, IntervalSample sample, long sealTo) {
        if (sample.getKernel()) {
            addKernel(group, sample);
        } else {
            addCopy(group, sample);
        }
        if (group.sealedToNs == Long.MIN_VALUE || sealTo - group.sealedToNs >= sealStepNs) {
            seal(group, sealTo);
        }
    }

    private static ConcurrencyState.Group group(ConcurrencyState state, IntervalSample sample, boolean allContexts) {
        ConcurrencyState.Group latest = allContexts ? state.latestAllContexts : state.latestOwnContext;
        if (latest != null && latest.gpuIndex == sample.getGpuIndex() && latest.form.equals(sample.getForm())
                && (allContexts || latest.contextId == sample.getContextId())) {
            return latest; // a node's samples come in runs of one group
        }
        String key = sample.getGpuIndex() + (allContexts ? "|*|" : "|" + sample.getContextId() + "|")
                + sample.getForm();
        ConcurrencyState.Group group = state.groups.computeIfAbsent(key, k -> new ConcurrencyState.Group(
                sample.getGpuIndex(), allContexts ? null : sample.getContextId(), sample.getForm()));
        if (allContexts) {
            state.latestAllContexts = group;
        } else {
            state.latestOwnContext = group;
        }
        return group;
    }

    private static void addCopy(ConcurrencyState.Group group, IntervalSample sample) {
        if (sample.getCopyLengthNs() > 0) {
            group.copies++; // the first piece of a copy split across windows
        }
        long start = sample.getStartNs();
        long end = sample.getEndNs();
        group.copyNs += Math.max(0, end - start);
        if (start < group.sealedToNs) {
            // Too late to know its overlaps: the sealed part counts as its own, non-overlapping bridge time.
            group.reordered++;
            group.sealedUnionNs += Math.max(0, Math.min(end, group.sealedToNs) - start);
            start = group.sealedToNs;
            if (end <= start) {
                return;
            }
        }
        group.openCopies.add(start, end, sample.getStreamId());
    }

    private static void addKernel(ConcurrencyState.Group group, IntervalSample sample) {
        long start = Math.max(sample.getStartNs(), group.sealedToNs);
        long end = sample.getEndNs();
        if (end <= start) {
            return;
        }
        List<Interval> spans = group.openKernels;
        Interval last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
        if (last == null || start > last.endNs()) {
            spans.add(new Interval(start, end)); // in order, the usual case
        } else if (start >= last.startNs()) {
            spans.set(spans.size() - 1, new Interval(last.startNs(), Math.max(last.endNs(), end)));
        } else {
            IntervalSets.addToUnion(spans, new Interval(start, end)); // another stream's, a little earlier
        }
    }

    /** Drops the kernels that end by {@code sealTo}: a prefix, as they are a union (disjoint, in order). */
    private static void dropEndingBy(List<Interval> union, long sealTo) {
        int ended = 0;
        while (ended < union.size() && union.get(ended).endNs() <= sealTo) {
            ended++;
        }
        if (ended > 0) {
            union.subList(0, ended).clear();
        }
    }

    /** Folds everything before {@code sealTo} into the sums and drops intervals that end before it. */
    private static void seal(ConcurrencyState.Group group, long sealTo) {
        if (sealTo <= group.sealedToNs) {
            return;
        }
        long from = group.sealedToNs;
        if (group.openCopies.size() > 0) {
            // The copies are kept in order of start: their clipped union comes without sorting. The open kernels
            // are a union already, and the copies' lies within [from, sealTo): their overlap needs no clipping.
            List<Interval> copies = group.openCopies.clippedUnion(from, sealTo);
            group.sealedUnionNs += IntervalSets.measureOfUnion(copies);
            group.sealedCopyComputeNs += IntervalSets.intersectionMeasureOfUnions(copies, group.openKernels);
            group.overlappedCopies += group.openCopies.removeEndingBy(sealTo);
        }
        dropEndingBy(group.openKernels, sealTo);
        group.sealedToNs = sealTo;
    }

    /** One result per group with copies, in a stable order; seals everything first (the window is closed). */
    @Override
    public List<ConcurrencyWindow> results(String nodeId, long windowStartNs, long windowEndNs,
            ConcurrencyState state) {
        List<ConcurrencyWindow> results = new ArrayList<>();
        state.groups.values().stream()
                .filter(g -> g.copies > 0 || g.copyNs > 0)
                .sorted(Comparator.comparing((ConcurrencyState.Group g) -> g.gpuIndex)
                        .thenComparing(g -> g.contextId == null ? Long.MAX_VALUE : g.contextId)
                        .thenComparing(g -> g.form))
                .forEach(group -> {
                    seal(group, Long.MAX_VALUE);
                    results.add(result(nodeId, windowStartNs, windowEndNs, group));
                });
        return results;
    }

    private static ConcurrencyWindow result(String nodeId, long startNs, long endNs, ConcurrencyState.Group group) {
        CostForm form = CostForm.valueOf(group.form);
        long union = group.sealedUnionNs;
        return ConcurrencyWindow.newBuilder()
                .setNodeId(nodeId)
                .setGpuIndex(group.gpuIndex)
                .setContextId(group.contextId)
                .setForm(form)
                .setWindowStartNs(startNs)
                .setWindowEndNs(endNs)
                .setCopies(group.copies)
                .setCopyTimeS(group.copyNs * NS)
                .setCopyUnionS(union * NS)
                .setCopyConcurrencyIndex(union > 0 ? (double) group.copyNs / union : null)
                .setBridgeOccupancy((double) union / (endNs - startNs))
                .setDifferentStreamOverlapFraction(group.copies > 0
                        ? Math.min(1.0, (double) group.overlappedCopies / group.copies) : null)
                .setCopyComputeOverlapFraction(form == CostForm.GPU && union > 0
                        ? (double) group.sealedCopyComputeNs / union : null)
                .setReorderedIntervals(group.reordered)
                .build();
    }
}
