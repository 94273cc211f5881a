package io.bridgewatch.streams.cost;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** DDSketch quantile sketches (1% relative accuracy) and their bytes in state stores. */
final class Sketches {
    static final double RELATIVE_ACCURACY = 0.01;
    private static final LogarithmicMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);

    private Sketches() {
    }

    static DDSketch empty() {
        return DDSketches.logarithmicUnboundedDense(RELATIVE_ACCURACY);
    }

    static DDSketch decode(ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return empty();
        }
        byte[] array = new byte[bytes.remaining()];
        bytes.duplicate().get(array);
        try {
            return DDSketch.decode(ByteArrayInput.wrap(array), UnboundedSizeDenseStore::new, MAPPING);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt cost sketch in state store", e);
        }
    }

    static ByteBuffer encode(DDSketch sketch) {
        return sketch.serialize();
    }
}
