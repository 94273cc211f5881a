package io.bridgewatch.launcher.trace;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.HostMemoryKind;
import java.time.Duration;
import java.util.Arrays;

/**
 * The p99 host duration of a reference trace's async copy calls from pinned memory: what an ordinary enqueue costs
 * on a node without CC, which async revocation's thresholds scale with (DESIGN 4.2: tau, and the CPU-only form's
 * 10x). Pageable calls are left out: they are staged and wait by CUDA's rules.
 */
final class AsyncEnqueueLatency {
    private long[] hostNs = new long[1024];
    private int count;

    /** Where a reader hands the reference's events. */
    EventSink sink() {
        return EventSink.crossingsTo(this::add);
    }

    private void add(Crossing c) {
        if (c.getAsyncRequested() && c.getHostMemory() == HostMemoryKind.PINNED) {
            if (count == hostNs.length) {
                hostNs = Arrays.copyOf(hostNs, count * 2);
            }
            hostNs[count++] = c.getApiEndNs() - c.getApiStartNs();
        }
    }

    /** The p99 (nearest rank), or zero without any such call: unknown. */
    Duration p99() {
        if (count == 0) {
            return Duration.ZERO;
        }
        long[] sorted = Arrays.copyOf(hostNs, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.99 * count) - 1;
        return Duration.ofNanos(Math.max(0, sorted[Math.max(0, rank)]));
    }
}
