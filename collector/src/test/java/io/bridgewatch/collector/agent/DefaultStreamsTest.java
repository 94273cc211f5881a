package io.bridgewatch.collector.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DefaultStreamsTest {

    @Test
    void theLegacyDefaultStreamIsSharedByEveryThread() {
        assertEquals(0, DefaultStreams.streamOf(0, false, 11));
        assertEquals(0, DefaultStreams.streamOf(0, false, 12));
        assertEquals(0, DefaultStreams.streamOf(1, true, 11)); // CU_STREAM_LEGACY, even from a per-thread variant
    }

    @Test
    void eachThreadHasADefaultStreamOfItsOwnInPerThreadCalls() {
        long first = DefaultStreams.streamOf(0, true, 11);
        assertEquals(first, DefaultStreams.streamOf(2, false, 11)); // CU_STREAM_PER_THREAD from a legacy call
        assertNotEquals(first, DefaultStreams.streamOf(0, true, 12));
        assertNotEquals(0, first);
    }

    @Test
    void createdStreamsAreThemselves() {
        assertEquals(0x7f3a_1000_2000L, DefaultStreams.streamOf(0x7f3a_1000_2000L, true, 11));
    }
}
