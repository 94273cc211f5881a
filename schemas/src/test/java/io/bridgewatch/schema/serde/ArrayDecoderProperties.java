package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.BlockingBinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** {@link ArrayDecoder} reads what Avro's {@link BinaryDecoder} reads, from any range of an array, or refuses it. */
class ArrayDecoderProperties {
    /** Every kind of value the decoder reads, with arrays and maps (written in blocks that give their byte size too). */
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "fields": [
              {"name": "i", "type": "int"}, {"name": "l", "type": "long"}, {"name": "b", "type": "boolean"},
              {"name": "f", "type": "float"}, {"name": "d", "type": "double"}, {"name": "s", "type": "string"},
              {"name": "bytes", "type": "bytes"}, {"name": "e", "type": {"type": "enum", "name": "E",
                "symbols": ["A", "B", "C"]}},
              {"name": "fixed", "type": {"type": "fixed", "name": "F", "size": 3}},
              {"name": "u", "type": ["null", "long"]}, {"name": "longs", "type": {"type": "array", "items": "long"}},
              {"name": "m", "type": {"type": "map", "values": "string"}}]}""");

    @Property
    void readsWhatAvroReads(@ForAll("records") GenericRecord value, @ForAll boolean blocked,
            @ForAll @IntRange(max = 7) int before, @ForAll @IntRange(max = 7) int after) throws IOException {
        byte[] encoded = encode(value, blocked);
        byte[] array = new byte[before + encoded.length + after];
        System.arraycopy(encoded, 0, array, before, encoded.length);

        GenericRecord read = new GenericDatumReader<GenericRecord>(SCHEMA).read(null,
                new ArrayDecoder().reset(array, before, before + encoded.length));

        assertThat(read).isEqualTo(avroRead(encoded)).isEqualTo(value);
    }

    /** Skipping (as a resolving reader skips a field the reader's schema lacks) lands where reading does. */
    @Property
    void skipsWhatItReads(@ForAll("records") GenericRecord value, @ForAll boolean blocked) throws IOException {
        byte[] encoded = encode(value, blocked);
        ArrayDecoder in = new ArrayDecoder().reset(encoded, 0, encoded.length);
        in.skipFixed(0);
        in.readInt();
        in.readLong();
        in.readBoolean();
        in.readFloat();
        in.readDouble();
        in.skipString();
        in.skipBytes();
        in.readEnum();
        in.skipFixed(3);
        if (in.readIndex() == 1) {
            in.readLong();
        }
        for (long n = in.skipArray(); n != 0; n = in.skipArray()) {
            for (long i = 0; i < n; i++) {
                in.readLong();
            }
        }
        for (long n = in.skipMap(); n != 0; n = in.skipMap()) {
            for (long i = 0; i < n; i++) {
                in.skipString();
                in.skipString();
            }
        }
        assertThatThrownBy(in::readBoolean).as("at the end").isInstanceOf(EOFException.class);
    }

    /** Cut anywhere, a record is refused: nothing beyond the range is read, whatever lies there. */
    @Property
    void refusesWhatIsCutShort(@ForAll("records") GenericRecord value, @ForAll boolean blocked,
            @ForAll @IntRange(min = 1, max = 1_000) int cut) throws IOException {
        byte[] encoded = encode(value, blocked);
        int end = Math.max(0, encoded.length - cut);
        assertThatThrownBy(() -> new GenericDatumReader<GenericRecord>(SCHEMA).read(null,
                new ArrayDecoder().reset(encoded, 0, end))).isInstanceOf(EOFException.class);
    }

    /** Arbitrary bytes as numbers: the same values as Avro, or an error where Avro has one. */
    @Property
    void readsNumbersAsAvro(@ForAll byte[] bytes) throws IOException {
        ArrayDecoder ours = new ArrayDecoder().reset(bytes, 0, bytes.length);
        BinaryDecoder avro = DecoderFactory.get().binaryDecoder(bytes, null);
        for (int i = 0; i < bytes.length; i++) {
            Object expected = readOrError(avro, i % 2 == 0);
            Object actual = readOrError(ours, i % 2 == 0);
            if (expected instanceof Exception) {
                assertThat(actual).isInstanceOf(Exception.class);
                return;
            }
            assertThat(actual).isEqualTo(expected);
        }
    }

    /**
     * Varints of every length, valid and overlong, read from a range inside a larger array: the same values and
     * errors as Avro over the range's bytes alone (nothing read from past the range's end, where the array goes on),
     * in every mix of ints and longs.
     */
    @Property
    void readsVarintsOfEveryLengthWithinTheRange(@ForAll("varintBytes") byte[] bytes,
            @ForAll @IntRange(max = 12) int cutAtEnd, @ForAll long intsMask) {
        int end = Math.max(0, bytes.length - cutAtEnd);
        int offset = Math.min(end, 3);
        ArrayDecoder ours = new ArrayDecoder().reset(bytes, offset, end);
        BinaryDecoder avro = DecoderFactory.get().binaryDecoder(bytes, offset, end - offset, null);
        for (int i = 0; i < end - offset; i++) {
            boolean asInt = (intsMask >>> (i & 63) & 1) == 1;
            Object expected = readOrError(avro, asInt);
            Object actual = readOrError(ours, asInt);
            if (expected instanceof Exception) {
                assertThat(actual).isInstanceOf(expected instanceof EOFException ? EOFException.class
                        : Exception.class);
                return;
            }
            assertThat(actual).isEqualTo(expected);
        }
    }

    /** Runs of bytes with the continuation bit set (up to 11 in a row), each run ended by one without it. */
    @Provide
    Arbitrary<byte[]> varintBytes() {
        Arbitrary<byte[]> varint = Arbitraries.integers().between(0, 11).flatMap(continued -> Arbitraries.bytes()
                .array(byte[].class).ofSize(continued + 1).map(b -> {
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) (i < b.length - 1 ? b[i] | 0x80 : b[i] & 0x7f);
                    }
                    return b;
                }));
        return varint.list().ofMaxSize(12).map(parts -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    private static Object readOrError(Decoder in, boolean asInt) {
        try {
            return asInt ? (Object) in.readInt() : (Object) in.readLong();
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    @Property
    void viewsBytesInPlace(@ForAll byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeBytes(bytes);
        encoder.flush();
        byte[] encoded = out.toByteArray();
        ByteBuffer view = new ArrayDecoder().reset(encoded, 0, encoded.length).readBytes(null);
        assertThat(view.array()).isSameAs(encoded);
        assertThat(view.position()).isZero();
        assertThat(NodeEventCodec.bytes(view)).isEqualTo(bytes);
    }

    @Provide
    Arbitrary<GenericRecord> records() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30);
        List<Arbitrary<Object>> kinds = List.of(Arbitraries.integers().asGeneric(), Arbitraries.longs().asGeneric(),
                Arbitraries.of(true, false).asGeneric(), Arbitraries.floats().asGeneric(),
                Arbitraries.doubles().asGeneric(), text.asGeneric(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).asGeneric(),
                Arbitraries.of("A", "B", "C").asGeneric(), Arbitraries.bytes().array(byte[].class).ofSize(3).asGeneric(),
                Arbitraries.longs().injectNull(0.3).asGeneric(), Arbitraries.longs().list().ofMaxSize(300).asGeneric(),
                Arbitraries.maps(text, text).ofMaxSize(20).asGeneric());
        return net.jqwik.api.Combinators.combine(kinds)
                .as(fields -> {
                    GenericRecord record = new GenericData.Record(SCHEMA);
                    record.put("i", fields.get(0));
                    record.put("l", fields.get(1));
                    record.put("b", fields.get(2));
                    record.put("f", fields.get(3));
                    record.put("d", fields.get(4));
                    record.put("s", new org.apache.avro.util.Utf8((String) fields.get(5)));
                    record.put("bytes", ByteBuffer.wrap((byte[]) fields.get(6)));
                    record.put("e", new GenericData.EnumSymbol(SCHEMA.getField("e").schema(), fields.get(7)));
                    record.put("fixed", new GenericData.Fixed(SCHEMA.getField("fixed").schema(),
                            (byte[]) fields.get(8)));
                    record.put("u", fields.get(9));
                    record.put("longs", new ArrayList<>((List<?>) fields.get(10)));
                    Map<org.apache.avro.util.Utf8, org.apache.avro.util.Utf8> m = new java.util.HashMap<>();
                    ((Map<?, ?>) fields.get(11)).forEach((k, v) -> m.put(new org.apache.avro.util.Utf8((String) k),
                            new org.apache.avro.util.Utf8((String) v)));
                    record.put("m", m);
                    return record;
                });
    }

    /** Written plainly, or in blocks of at most 64 bytes that give their byte size (negative counts). */
    private static byte[] encode(GenericRecord value, boolean blocked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = blocked
                ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
                : EncoderFactory.get().binaryEncoder(out, null);
        assertThat(encoder instanceof BlockingBinaryEncoder).isEqualTo(blocked);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord avroRead(byte[] encoded) throws IOException {
        return new GenericDatumReader<GenericRecord>(SCHEMA).read(null,
                DecoderFactory.get().binaryDecoder(encoded, null));
    }
}
