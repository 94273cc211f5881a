package io.bridgewatch.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.collector.trace.CapturingSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.schema.KernelExec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactingSinkTest {
    private static final byte[] KEY = "0123456789abcdef-key".getBytes(StandardCharsets.UTF_8);
    private static final long AT = 1_767_225_600_123_456_789L;

    @Test
    void shouldRoundSizesUpToPowersOfTwoAndTimesDownToTheResolution() {
        CapturingSink sent = new CapturingSink();
        RedactingSink sink = new RedactingSink(sent, Redaction.NONE.withSizeBuckets(true)
                .withTimeResolutionNs(10_000));
        sink.crossing(copy(4097, true));
        sink.crossing(copy(4096, true));
        sink.crossing(copy(3, false));

        Crossing first = sent.crossings.get(0);
        assertThat(first.getBytes()).isEqualTo(8192);
        assertThat(sent.crossings.get(1).getBytes()).isEqualTo(4096);
        assertThat(sent.crossings.get(2).getBytes()).as("a size nobody knows stays what it is").isEqualTo(3);
        assertThat(first.getApiStartNs()).isEqualTo(1_767_225_600_123_450_000L);
        assertThat(first.getApiEndNs()).isEqualTo(1_767_225_600_123_460_000L);
        assertThat(first.getGpuStartNs()).isEqualTo(1_767_225_600_123_450_000L);
        assertThat(first.getHostSyncEndNs()).as("absent stays absent").isNull();
        assertThat(RedactingSink.bucket(0)).isZero();
        assertThat(RedactingSink.bucket(1)).isEqualTo(1);
        assertThat(RedactingSink.bucket((1L << 40) + 1)).isEqualTo(1L << 41);
    }

    @Test
    void shouldHashKernelNamesWithTheKeyOrDropThem() {
        CapturingSink hashed = new CapturingSink();
        new RedactingSink(hashed, Redaction.NONE.withKernelNames(Redaction.KernelNames.HASH, KEY))
                .kernel(kernel("flash_fwd_kernel<128, 64>"));
        CapturingSink otherKey = new CapturingSink();
        new RedactingSink(otherKey, Redaction.NONE.withKernelNames(Redaction.KernelNames.HASH,
                "another-key-0123456789".getBytes(StandardCharsets.UTF_8))).kernel(kernel("flash_fwd_kernel<128, 64>"));
        CapturingSink dropped = new CapturingSink();
        new RedactingSink(dropped, Redaction.NONE.withKernelNames(Redaction.KernelNames.DROP, KEY))
                .kernel(kernel("flash_fwd_kernel<128, 64>"));

        String name = hashed.kernels.get(0).getKernelName().toString();
        assertThat(name).matches("k:[0-9a-f]{16}");
        assertThat(otherKey.kernels.get(0).getKernelName().toString()).isNotEqualTo(name);
        assertThat(dropped.kernels.get(0).getKernelName().toString()).isEmpty();
        assertThat(hashed.kernels.get(0).getGrid()).isEqualTo(List.of(128, 1, 1)); // only the name is touched
    }

    @Test
    void shouldPassEverythingThroughUntouchedWithoutRedaction() {
        CapturingSink sent = new CapturingSink();
        assertThat(RedactingSink.around(sent, Redaction.NONE)).isSameAs(sent);
        assertThatThrownBy(() -> Redaction.NONE.withKernelNames(Redaction.KernelNames.HASH, new byte[4]))
                .hasMessageContaining("key of at least 16 bytes");
        assertThatThrownBy(() -> Redaction.KernelNames.of("scramble")).hasMessageContaining("keep, hash or drop");
    }

    private static Crossing copy(long bytes, boolean known) {
        return Crossing.newBuilder().setNodeId("n").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(1).setApi("cudaMemcpyAsync").setDirection(Direction.H2D)
                .setHostMemory(HostMemoryKind.PINNED).setBytes(bytes).setBytesKnown(known).setAsyncRequested(true)
                .setApiStartNs(AT).setApiEndNs(AT + 9_000).setGpuStartNs(AT + 1).setGpuEndNs(AT + 300_000)
                .setStatusCode(0).build();
    }

    private static KernelExec kernel(String name) {
        return KernelExec.newBuilder().setNodeId("n").setGpuIndex(0).setPid(1).setTid(1).setContextId(1)
                .setStreamId(7).setCorrelationId(2).setKernelName(name).setGrid(List.of(128, 1, 1))
                .setBlock(List.of(64, 1, 1)).setApiStartNs(AT).setApiEndNs(AT + 5_000).setGpuStartNs(AT + 6_000)
                .setGpuEndNs(AT + 90_000).build();
    }
}
