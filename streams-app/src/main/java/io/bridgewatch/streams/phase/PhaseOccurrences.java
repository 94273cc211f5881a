package io.bridgewatch.streams.phase;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Phase;
import io.bridgewatch.schema.PhaseOccurrence;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.internal.PhaseEvent;
import io.bridgewatch.streams.internal.PhaseOccurrenceState;
import io.bridgewatch.streams.internal.RouteFit;
import io.bridgewatch.streams.window.Emitter;
import io.bridgewatch.streams.window.EventClocks;
import io.bridgewatch.streams.window.ObjectCacheStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Phase occurrences (DESIGN 4.5) per (node, gpu, phase): events of the phase belong to one occurrence until a quiet
 * gap passes without one (a session window kept in a store, so a node's events need no repartition). An
 * occurrence is emitted when an event after the gap arrives, or when the node's event time passes its end plus the
 * gap plus the lateness allowed: one topic's events may be processed before the other's of the same moment, and
 * closing an occurrence without that allowance would split it depending on how the inputs happened to interleave
 * (and so on how many instances share the work). The node's event time is that of the input behind, crossings or
 * kernels. A node gone silent has its occurrences closed once the task's stream time is a silence further (as node
 * windows, {@link io.bridgewatch.streams.window.WindowClose}): its driver calls {@link #closeQuiet} as the task's
 * stream time passes.
 */
public final class PhaseOccurrences {
    private static final long NS_PER_MS = 1_000_000;
    private static final String COPIES = "|copies";
    private static final String KERNELS = "|kernels";
    private final long gapNs;
    private final long latenessNs;
    private final long silenceNs;
    private final EventClocks clocks = new EventClocks();
    /** Open occurrences as objects, written once per commit (a phase's events extend one occurrence in a row). */
    private ObjectCacheStore<PhaseOccurrenceState> open;
    private KeyValueStore<String, RouteFit> fits;

    /**
     * @param lateness how far behind its node's event time an event of an open occurrence may still arrive
     * @param silence how much further the task's stream time closes the occurrences of a node gone silent
     */
    public PhaseOccurrences(Duration gap, Duration lateness, Duration silence) {
        this.gapNs = gap.toNanos();
        this.latenessNs = lateness.toNanos();
        this.silenceNs = silence.toNanos();
    }

    public void init(ProcessingContext context) {
        this.open = context.getStateStore(StoreNames.PHASE_OCCURRENCES);
        open.reload();
        this.fits = context.getStateStore(StoreNames.NODE_BRIDGE_FIT);
        clocks.reset();
    }

    /** Adds a node's event (stamped with its input's event time) to its occurrence, emitting one it ends. */
    public void add(String node, PhaseEvent event, long timestampMs, Emitter<? super PhaseOccurrence> out) {
        clocks.advance(node + (event.getCopy() ? COPIES : KERNELS), timestampMs);
        String key = node + "|" + event.getGpuIndex() + "|" + event.getPhase();
        PhaseOccurrenceState state = open.get(key);
        if (state != null && event.getStartNs() > state.getEndNs() + gapNs) {
            emit(node, state, out);
            state = null;
        }
        state = extend(state, event);
        if (event.getCopy()) {
            keepFitOf(node, state, event.getRoute());
        }
        open.put(key, state);
    }

    /**
     * The node's fit of the route as it stands at the occurrence's first crossing of that route, kept for the
     * prediction. It depends on the node's own events only: the cost windows a crossing closes are closed (and their
     * fits stored) before the phase stage sees that crossing, in any run, while what closes between the occurrence's
     * start and its end depends on when the processors saw time pass (a revived task knows only a lower bound).
     */
    private void keepFitOf(String node, PhaseOccurrenceState state, String route) {
        if (state.getFitTollS().containsKey(route)) {
            return;
        }
        RouteFit fit = fits.get(BridgeFitProcessor.key(node, state.getGpuIndex(), route));
        if (fit != null) {
            state.getFitTollS().put(route, fit.getTollS());
            state.getFitBandwidthBytesPerS().put(route, fit.getBandwidthBytesPerS());
        }
    }

    /** Emits the occurrences their node's event time, or the task's stream time a silence later, has ended. */
    public void closeQuiet(long streamTimeMs, Emitter<? super PhaseOccurrence> out) {
        List<KeyValue<String, PhaseOccurrenceState>> quiet = new ArrayList<>();
        // In key order, as a store iterates, so that occurrences closing together come out in the same order in
        // every run.
        for (String key : new TreeSet<>(open.keys())) {
            PhaseOccurrenceState state = open.get(key);
            long closesAtNs = state.getEndNs() + gapNs + latenessNs;
            long nodeTimeMs = nodeTime(key.substring(0, key.indexOf('|')));
            if ((nodeTimeMs != Long.MIN_VALUE && closesAtNs < nodeTimeMs * NS_PER_MS)
                    || closesAtNs + silenceNs < streamTimeMs * NS_PER_MS) {
                quiet.add(KeyValue.pair(key, state));
            }
        }
        for (KeyValue<String, PhaseOccurrenceState> entry : quiet) {
            open.delete(entry.key);
            emit(entry.key.substring(0, entry.key.indexOf('|')), entry.value, out);
        }
    }

    /**
     * A node's event time as far as both its inputs have come: an occurrence has crossings and kernels, and one input
     * may run ahead of the other (partitions back unevenly after an outage). An input not seen yet does not hold.
     */
    private long nodeTime(String node) {
        long copies = clocks.of(node + COPIES);
        long kernels = clocks.of(node + KERNELS);
        if (copies == Long.MIN_VALUE || kernels == Long.MIN_VALUE) {
            return Math.max(copies, kernels);
        }
        return Math.min(copies, kernels);
    }

    private static PhaseOccurrenceState extend(PhaseOccurrenceState state, PhaseEvent event) {
        if (state == null) {
            state = new PhaseOccurrenceState(event.getGpuIndex(), event.getPhase(), event.getStartNs(),
                    event.getEndNs(), 0L, 0L, 0L, new ArrayList<>(), new HashMap<>(), true, 0L, new HashMap<>(),
                    new HashMap<>());
        }
        state.setStartNs(Math.min(state.getStartNs(), event.getStartNs()));
        state.setEndNs(Math.max(state.getEndNs(), event.getEndNs()));
        state.setGpuTimes(state.getGpuTimes() && event.getGpuTimes());
        if (event.getCopy()) {
            state.setCrossings(state.getCrossings() + 1);
            state.setBytes(state.getBytes() + event.getBytes());
            state.setCrossingCostNs(state.getCrossingCostNs() + (event.getEndNs() - event.getStartNs()));
            state.getBytesByRoute().merge(event.getRoute(), event.getBytes(), Long::sum);
            if (!state.getContexts().contains(event.getContextId())) {
                TreeSet<Long> contexts = new TreeSet<>(state.getContexts());
                contexts.add(event.getContextId());
                state.setContexts(new ArrayList<>(contexts));
            }
        } else {
            state.setKernels(state.getKernels() + 1);
        }
        return state;
    }

    private void emit(String node, PhaseOccurrenceState s, Emitter<? super PhaseOccurrence> out) {
        double duration = (s.getEndNs() - s.getStartNs()) * 1e-9;
        int contexts = Math.max(1, s.getContexts().size());
        PhaseOccurrence occurrence = PhaseOccurrence.newBuilder()
                .setNodeId(node)
                .setGpuIndex(s.getGpuIndex())
                .setPhase(Phase.valueOf(s.getPhase()))
                .setForm(s.getGpuTimes() ? CostForm.GPU : CostForm.CPU_ONLY)
                .setStartNs(s.getStartNs())
                .setEndNs(s.getEndNs())
                .setDurationS(duration)
                .setCrossings(s.getCrossings())
                .setKernels(s.getKernels())
                .setBytes(s.getBytes())
                .setMeanBytesPerCrossing(s.getCrossings() > 0 ? (double) s.getBytes() / s.getCrossings() : null)
                .setContextsUsed(s.getContexts().size())
                .setEffectiveBandwidthBytesPerS(duration > 0 ? s.getBytes() / duration : null)
                .setPredictedDurationS(predict(node, s, contexts))
                .build();
        out.emit(node, occurrence, s.getStartNs() / NS_PER_MS);
    }

    /**
     * The bridge model: crossings * toll / contexts + bytes / (bandwidth * contexts), on the node's fit of the
     * occurrence's main route as it stood at the occurrence's first crossing of that route (see keepFitOf). Before
     * any closed window had one (a model load right after start), the same model on the occurrence's own crossings:
     * each costs toll + bytes / bandwidth, so their summed costs over the contexts. Null only for an occurrence
     * without crossings.
     */
    private Double predict(String node, PhaseOccurrenceState s, int contexts) {
        if (s.getCrossings() == 0) {
            return null;
        }
        String route = s.getBytesByRoute().entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey().toString()).orElseThrow();
        Double toll = s.getFitTollS().get(route);
        Double bandwidth = s.getFitBandwidthBytesPerS().get(route);
        if (toll == null || bandwidth == null) {
            return s.getCrossingCostNs() * 1e-9 / contexts;
        }
        return s.getCrossings() * toll / contexts + s.getBytes() / (bandwidth * contexts);
    }
}
