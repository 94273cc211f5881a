package io.bridgewatch.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.util.function.ToDoubleFunction;

/** Jackson deserializers for unit-bearing scenario values; a bad value fails with the file position. */
final class UnitDeserializers {
    private UnitDeserializers() {
    }

    /** {@code 330us} to nanoseconds. */
    static final class DurationNanos extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return Math.round(parse(p, ctx, Units::durationNanos));
        }
    }

    /** {@code 2MiB} to bytes. */
    static final class Bytes extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return Math.round(parse(p, ctx, Units::bytes));
        }
    }

    /** {@code 55GB/s} to bytes per second. */
    static final class BytesPerSecond extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return parse(p, ctx, Units::bytesPerSecond);
        }
    }

    private static double parse(JsonParser p, DeserializationContext ctx, ToDoubleFunction<String> parser)
            throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING && !p.currentToken().isNumeric()) {
            return (Double) ctx.handleUnexpectedToken(Double.class, p);
        }
        String text = p.getText();
        try {
            return parser.applyAsDouble(text);
        } catch (IllegalArgumentException e) {
            throw ctx.weirdStringException(text, Double.class, e.getMessage());
        }
    }
}
