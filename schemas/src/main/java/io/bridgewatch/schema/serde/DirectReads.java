package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.Phase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/** The field forms the direct readers share, read as Avro's binary encoding writes them. */
final class DirectReads {
    private static final Phase[] PHASES = Phase.values();
    private static final ThreadLocal<Texts> TEXTS = ThreadLocal.withInitial(Texts::new);

    private DirectReads() {
    }

    /** The reading thread's texts, for {@link Texts#read}: fetched once per record. */
    static Texts texts() {
        return TEXTS.get();
    }

    /**
     * A thread's strings read so far, one String per distinct text: events repeat their node id, API and kernel
     * names, and a String made afresh for each had its UTF-8 decoded and its hash computed again in every map it
     * keys (together a tenth of the topology's time). Up to {@value #MAX_TEXTS} texts of up to
     * {@value #MAX_BYTES} bytes are kept; others are made afresh.
     */
    static final class Texts {
        static final int MAX_TEXTS = 4096;
        static final int MAX_BYTES = 1024;
        /** The fields read with {@link #read(Decoder, int)}: a batch's events repeat these from one to the next. */
        static final int NODE_ID = 0;
        static final int CROSSING_API = 1;
        static final int KERNEL_NAME = 2;
        private static final int SLOTS = 3;
        private final Map<Utf8, String> known = new HashMap<>();
        private Utf8 scratch = new Utf8();
        private final byte[][] lastBytes = new byte[SLOTS][MAX_BYTES];
        private final int[] lastLengths = new int[SLOTS];
        private final String[] lastTexts = new String[SLOTS];

        /**
         * The text of a field ({@link #NODE_ID}, ...): the field's previous text when the bytes are the same, found
         * in place by an {@link ArrayDecoder} (no copy, no hash: the node id of every event of a batch), else as
         * {@link #read(Decoder)}.
         */
        String read(Decoder in, int field) throws IOException {
            String last = lastTexts[field];
            if (last != null && in instanceof ArrayDecoder array
                    && array.skipStringIfEqual(lastBytes[field], lastLengths[field])) {
                return last;
            }
            String text = read(in);
            int length = scratch.getByteLength();
            if (length <= MAX_BYTES) {
                System.arraycopy(scratch.getBytes(), 0, lastBytes[field], 0, length);
                lastLengths[field] = length;
                lastTexts[field] = text;
            } else {
                lastTexts[field] = null;
            }
            return text;
        }

        String read(Decoder in) throws IOException {
            scratch = in.readString(scratch);
            String text = known.get(scratch);
            if (text == null) {
                text = scratch.toString();
                if (known.size() < MAX_TEXTS && scratch.getByteLength() <= MAX_BYTES) {
                    known.put(new Utf8(scratch), text);
                }
            }
            return text;
        }
    }

    /** A {@code ["null", "long"]} union. */
    static Long nullableLong(Decoder in) throws IOException {
        return nullBranch(in) ? null : in.readLong();
    }

    /** A {@code ["null", "Phase"]} union. */
    static Phase nullablePhase(Decoder in) throws IOException {
        return nullBranch(in) ? null : PHASES[in.readEnum()];
    }

    private static boolean nullBranch(Decoder in) throws IOException {
        int branch = in.readIndex();
        if (branch != 0 && branch != 1) {
            throw new AvroRuntimeException("union branch " + branch + " of a two-branch union");
        }
        return branch == 0;
    }

    /** An array of ints; {@code previous} itself when it holds the same values (no list made, nothing boxed). */
    static List<Integer> ints(Decoder in, List<Integer> previous) throws IOException {
        int[] values = new int[4];
        int count = 0;
        for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
            for (long i = 0; i < block; i++) {
                if (count == values.length) {
                    values = Arrays.copyOf(values, count * 2);
                }
                values[count++] = in.readInt();
            }
        }
        if (previous != null && sameValues(previous, values, count)) {
            return previous;
        }
        List<Integer> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(values[i]);
        }
        return list;
    }

    private static boolean sameValues(List<Integer> list, int[] values, int count) {
        if (list.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (list.get(i) != values[i]) {
                return false;
            }
        }
        return true;
    }
}
