package io.bridgewatch.streams.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import org.junit.jupiter.api.Test;

/** DESIGN 4.2: blocked means the call held its thread until its copy was done, and longer than an enqueue. */
class AsyncBlockingTest {
    private static final long US = 1_000;
    private final AsyncBlocking noReference = new AsyncBlocking(0);

    @Test
    void shouldFindACallThatWaitedForItsCopyUnderCcBlocked() {
        // 330 us of toll: the call returns when its copy is done.
        assertThat(noReference.blocked(copy(0, 340 * US, 5 * US, 339 * US))).isTrue();
    }

    @Test
    void shouldNeverFindACallThatReturnedBeforeItsCopyStartedBlocked() {
        // A tiny copy: its whole GPU interval is within eps of the call's end, yet it started after the call returned.
        assertThat(noReference.blocked(copy(0, 30 * US, 30 * US + 100, 30 * US + 600))).isFalse();
    }

    @Test
    void shouldNotTakeATinyCopyThatFinishedDuringAnOrdinaryEnqueueForRevocation() {
        // A healthy GPU copies 256 bytes in 1 us, before the 8 us call returns: an ordinary enqueue, no revocation.
        assertThat(noReference.blocked(copy(0, 8 * US, 3 * US, 4 * US))).isFalse();
        // With a reference whose async calls take up to 2 us (p99), tau is 20 us still (the floor) ...
        assertThat(new AsyncBlocking(2 * US).blocked(copy(0, 19 * US, 3 * US, 18 * US))).isFalse();
        // ... and with one of 10 us, 50 us.
        assertThat(new AsyncBlocking(10 * US).blocked(copy(0, 45 * US, 3 * US, 44 * US))).isFalse();
        assertThat(new AsyncBlocking(10 * US).blocked(copy(0, 60 * US, 3 * US, 59 * US))).isTrue();
    }

    @Test
    void shouldJudgeOnlyAsyncCallsAndWithoutGpuTimesByTheHostDurationAlone() {
        assertThat(noReference.blocked(copy(0, 340 * US, 5 * US, 339 * US, false))).isNull();
        Crossing hostOnly = base(0, 60 * US).build();
        assertThat(noReference.blocked(hostOnly)).as("over the 50 us floor").isTrue();
        assertThat(noReference.blocked(base(0, 40 * US).build())).isFalse();
        assertThat(new AsyncBlocking(10 * US).blocked(hostOnly)).as("under 10x the reference p99").isFalse();
    }

    private static Crossing copy(long a, long b, long s, long e) {
        return copy(a, b, s, e, true);
    }

    private static Crossing copy(long a, long b, long s, long e, boolean async) {
        return base(a, b).setGpuStartNs(s).setGpuEndNs(e).setAsyncRequested(async).build();
    }

    private static Crossing.Builder base(long a, long b) {
        return Crossing.newBuilder().setNodeId("n1").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(1).setApi("cudaMemcpyAsync").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(256).setAsyncRequested(true).setApiStartNs(a)
                .setApiEndNs(b);
    }
}
