package io.bridgewatch.collector.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of one trace event that {@link KinetoTraceReader} uses, read straight off the token stream: no tree of
 * the event is built, every other field is skipped unread. One instance is refilled for each event; {@link #copy()}
 * keeps one (an activity waiting for its call). Values follow Jackson's tree conversions, which the reader used
 * before: a number given as text still reads as the number, a field that is absent or JSON null is not "present".
 */
final class KinetoEvent {

    String ph;
    String cat;
    String name;
    boolean hasName;
    boolean hasTs;
    boolean hasDur;
    boolean hasPid;
    boolean hasTid;
    /** ts and dur in nanoseconds (the trace's microseconds times 1000, rounded). */
    long tsNs;
    long durNs;
    int pid;
    long tid;
    boolean correlationKnown;
    long correlation;
    boolean deviceKnown;
    long device;
    boolean streamKnown;
    long stream;
    long context;
    boolean bytesKnown;
    long bytes;
    long graphId;
    long graphNodeId;
    /** Kernel grid and block dimensions, one shared list per shape. */
    List<Integer> grid = List.of();
    List<Integer> block = List.of();
    private final TextCache texts;
    private final LaunchShapes grids;
    private final LaunchShapes blocks;
    /** Where an array's values are read before they become a shape. */
    private int[] dims = new int[3];

    /**
     * @param texts where repeated texts (phases, categories, names) are shared
     * @param grids where grid shapes are shared; apart from blocks, as each is checked against the one before
     * @param blocks where block shapes are shared
     */
    KinetoEvent(TextCache texts, LaunchShapes grids, LaunchShapes blocks) {
        this.texts = texts;
        this.grids = grids;
        this.blocks = blocks;
    }

    /** Reads the event object whose START_OBJECT is the parser's current token, through its END_OBJECT. */
    void read(JsonParser parser) throws IOException {
        clear();
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            switch (field) {
                case "ph" -> ph = isNull(value) ? null : text(parser, value);
                case "cat" -> cat = value == JsonToken.VALUE_NULL ? "null" : text(parser, value);
                case "name" -> {
                    hasName = !isNull(value);
                    name = hasName ? text(parser, value) : null;
                }
                case "ts" -> {
                    hasTs = !isNull(value);
                    tsNs = nanos(parser, value);
                }
                case "dur" -> {
                    hasDur = !isNull(value);
                    durNs = nanos(parser, value);
                }
                case "pid" -> {
                    hasPid = !isNull(value);
                    pid = (int) asLong(parser, value);
                }
                case "tid" -> {
                    hasTid = !isNull(value);
                    tid = asLong(parser, value);
                }
                case "args" -> readArgs(parser, value);
                default -> parser.skipChildren();
            }
        }
    }

    private void readArgs(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            switch (field) {
                case "correlation" -> {
                    correlationKnown = convertsToLong(parser, value);
                    correlation = correlationKnown ? asLong(parser, value) : 0;
                }
                case "device" -> {
                    deviceKnown = convertsToLong(parser, value);
                    device = deviceKnown ? asLong(parser, value) : 0;
                }
                case "stream" -> {
                    streamKnown = convertsToLong(parser, value);
                    stream = streamKnown ? asLong(parser, value) : 0;
                }
                case "context" -> context = asLong(parser, value);
                case "bytes" -> {
                    bytesKnown = convertsToLong(parser, value);
                    bytes = bytesKnown ? asLong(parser, value) : 0;
                }
                case "graph id" -> graphId = asLong(parser, value);
                case "graph node id" -> graphNodeId = asLong(parser, value);
                case "grid" -> grid = shape(parser, value, grids);
                case "block" -> block = shape(parser, value, blocks);
                default -> parser.skipChildren();
            }
        }
    }

    private void clear() {
        ph = null;
        cat = null;
        name = null;
        hasName = false;
        hasTs = false;
        hasDur = false;
        hasPid = false;
        hasTid = false;
        tsNs = 0;
        durNs = 0;
        pid = 0;
        tid = 0;
        correlationKnown = false;
        correlation = 0;
        deviceKnown = false;
        device = 0;
        streamKnown = false;
        stream = 0;
        context = 0;
        bytesKnown = false;
        bytes = 0;
        graphId = 0;
        graphNodeId = 0;
        grid = List.of();
        block = List.of();
    }

    /** A copy that later events leave as it is. */
    KinetoEvent copy() {
        KinetoEvent copy = new KinetoEvent(texts, grids, blocks);
        copy.ph = ph;
        copy.cat = cat;
        copy.name = name;
        copy.hasName = hasName;
        copy.hasTs = hasTs;
        copy.hasDur = hasDur;
        copy.hasPid = hasPid;
        copy.hasTid = hasTid;
        copy.tsNs = tsNs;
        copy.durNs = durNs;
        copy.pid = pid;
        copy.tid = tid;
        copy.correlationKnown = correlationKnown;
        copy.correlation = correlation;
        copy.deviceKnown = deviceKnown;
        copy.device = device;
        copy.streamKnown = streamKnown;
        copy.stream = stream;
        copy.context = context;
        copy.bytesKnown = bytesKnown;
        copy.bytes = bytes;
        copy.graphId = graphId;
        copy.graphNodeId = graphNodeId;
        copy.grid = grid;
        copy.block = block;
        return copy;
    }

    /** The name as text, empty when absent. */
    String nameOrEmpty() {
        return name == null ? "" : name;
    }


    private static boolean isNull(JsonToken value) {
        return value == JsonToken.VALUE_NULL;
    }

    /** A scalar's text (a number's as written); a structure's is empty and is skipped. */
    private String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return texts.text(parser);
        }
        if (value.isScalarValue()) {
            return parser.getText();
        }
        parser.skipChildren();
        return "";
    }

    /** Microseconds as nanoseconds: exactly from the number's characters where it can, else the double rounded. */
    private static long nanos(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT) {
            long fast = TraceMicros.toNanos(parser.getTextCharacters(), parser.getTextOffset(),
                    parser.getTextLength());
            if (fast != TraceMicros.SLOW_PATH) {
                return fast;
            }
        }
        return Math.round(asDouble(parser, value) * 1000);
    }

    private static double asDouble(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_STRING -> NumberInput.parseAsDouble(parser.getText().trim(), 0.0, false);
            case VALUE_TRUE -> 1.0;
            case START_OBJECT, START_ARRAY -> {
                parser.skipChildren();
                yield 0.0;
            }
            default -> 0.0;
        };
    }

    private static long asLong(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue().longValue() : parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> (long) parser.getDoubleValue();
            case VALUE_STRING -> NumberInput.parseAsLong(parser.getText().trim(), 0L);
            case VALUE_TRUE -> 1L;
            case START_OBJECT, START_ARRAY -> {
                parser.skipChildren();
                yield 0L;
            }
            default -> 0L;
        };
    }

    /** Whether the value is a number within a long's range (text does not count). */
    private static boolean convertsToLong(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT -> parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                    || parser.getBigIntegerValue().bitLength() < Long.SIZE;
            case VALUE_NUMBER_FLOAT -> {
                double d = parser.getDoubleValue();
                yield d >= Long.MIN_VALUE && d <= Long.MAX_VALUE;
            }
            default -> false;
        };
    }

    /** An array's values as ints (as Jackson's asInt has them), as a shared shape; anything else has none. */
    private List<Integer> shape(JsonParser parser, JsonToken value, LaunchShapes shapes) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return List.of();
        }
        int count = 0;
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (element == null) {
                throw new EOFException("no end to an array of " + parser.currentName());
            }
            if (count == dims.length) {
                dims = Arrays.copyOf(dims, count * 2);
            }
            dims[count++] = (int) asLong(parser, element);
        }
        return shapes.of(dims, count);
    }
}
