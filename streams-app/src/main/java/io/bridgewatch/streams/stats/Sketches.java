package io.bridgewatch.streams.stats;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** DDSketch quantile sketches (1% relative accuracy) and their bytes in state stores. */
public final class Sketches {
    public static final double RELATIVE_ACCURACY = 0.01;

    private Sketches() {
    }

    public static DDSketch empty() {
        return DDSketches.logarithmicUnboundedDense(RELATIVE_ACCURACY);
    }

    public static DDSketch decode(ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return empty();
        }
        byte[] array = new byte[bytes.remaining()];
        bytes.duplicate().get(array);
        try {
            return DDSketch.decode(ByteArrayInput.wrap(array), UnboundedSizeDenseStore::new);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt cost sketch in state store", e);
        }
    }

    public static ByteBuffer encode(DDSketch sketch) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a cost sketch", e);
        }
        return ByteBuffer.wrap(out.trimmedCopy());
    }
}
