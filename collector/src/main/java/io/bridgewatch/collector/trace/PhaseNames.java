package io.bridgewatch.collector.trace;

import io.bridgewatch.schema.Phase;
import java.util.Locale;
import java.util.Optional;

/**
 * The serving phase a profiler range stands for, from its name ({@code record_function} labels in Kineto traces,
 * NVTX ranges in Nsight): {@code decode_step} is DECODE, {@code kv_restore} KV_RESTORE, and so on. Ranges whose names
 * say nothing about a phase ({@code batch_8}, {@code forward}) give none.
 */
public final class PhaseNames {
    private PhaseNames() {
    }

    public static Optional<Phase> of(String rangeName) {
        String name = rangeName.toLowerCase(Locale.ROOT);
        if (name.contains("prefill")) {
            return Optional.of(Phase.PREFILL);
        }
        if (name.contains("decode")) {
            return Optional.of(Phase.DECODE);
        }
        if (name.contains("restore") || name.contains("swap_in") || name.contains("swapin")
                || name.contains("onload")) {
            return Optional.of(Phase.KV_RESTORE);
        }
        if (name.contains("offload") || name.contains("swap_out") || name.contains("swapout")) {
            return Optional.of(Phase.KV_OFFLOAD);
        }
        if ((name.contains("load") && (name.contains("model") || name.contains("weight")))) {
            return Optional.of(Phase.MODEL_LOAD);
        }
        return Optional.empty();
    }
}
