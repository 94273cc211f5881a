package io.bridgewatch.streams.phase;

import io.bridgewatch.schema.CostForm;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.Phase;
import io.bridgewatch.streams.cost.CostSample;
import io.bridgewatch.streams.internal.PhaseEvent;
import java.util.List;
import java.util.Set;

/** The events of bursty phases (DESIGN 4.5): KV-cache restores and offloads, model loads. */
public final class PhaseEvents {
    static final Set<String> TRACKED = Set.of(Phase.KV_RESTORE.name(), Phase.KV_OFFLOAD.name(),
            Phase.MODEL_LOAD.name());

    /** {@code direction|host_memory} of each pair, made once. */
    private static final String[][] ROUTES = new String[Direction.values().length][HostMemoryKind.values().length];

    static {
        for (Direction direction : Direction.values()) {
            for (HostMemoryKind memory : HostMemoryKind.values()) {
                ROUTES[direction.ordinal()][memory.ordinal()] = direction + "|" + memory;
            }
        }
    }

    private PhaseEvents() {
    }

    /** A charged or uncharged crossing of a tracked phase, from ready to done. */
    public static List<PhaseEvent> of(CostSample s) {
        if (s.phase() == null || !TRACKED.contains(s.phase().name())) {
            return List.of();
        }
        return List.of(new PhaseEvent(s.gpuIndex(), s.contextId(), s.phase().name(), s.readyNs(),
                Math.max(s.readyNs(), s.doneNs()), true, s.bytes(), ROUTES[s.direction().ordinal()][s.hostMemory()
                .ordinal()], s.form() == CostForm.GPU));
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
