package io.bridgewatch.streams.phase;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.Phase;
import io.bridgewatch.streams.internal.CostSample;
import io.bridgewatch.streams.internal.PhaseEvent;
import java.util.List;
import java.util.Set;

/** The events of bursty phases (DESIGN 4.5): KV-cache restores and offloads, model loads. */
public final class PhaseEvents {
    static final Set<String> TRACKED = Set.of(Phase.KV_RESTORE.name(), Phase.KV_OFFLOAD.name(),
            Phase.MODEL_LOAD.name());

    private PhaseEvents() {
    }

    /** A charged or uncharged crossing of a tracked phase, from ready to done. */
    public static List<PhaseEvent> of(CostSample s) {
        if (s.getPhase() == null || !TRACKED.contains(s.getPhase())) {
            return List.of();
        }
        return List.of(new PhaseEvent(s.getGpuIndex(), s.getContextId(), s.getPhase(), s.getReadyNs(),
                Math.max(s.getReadyNs(), s.getDoneNs()), true, s.getBytes(),
                s.getDirection() + "|" + s.getHostMemory(), s.getForm().equals(CostForm.GPU.name())));
    }

    /** A kernel of a tracked phase: its GPU interval, or its launch call without GPU times. */
    public static List<PhaseEvent> of(KernelExec k) {
        if (k.getPhase() == null || !TRACKED.contains(k.getPhase().name())) {
            return List.of();
        }
        boolean gpu = k.getGpuStartNs() != null && k.getGpuEndNs() != null;
        long start = gpu ? k.getGpuStartNs() : k.getApiStartNs();
        long end = gpu ? k.getGpuEndNs() : k.getApiEndNs();
        return List.of(new PhaseEvent(k.getGpuIndex(), k.getContextId(), k.getPhase().name(), start,
                Math.max(start, end), false, 0L, null, gpu));
    }
}
