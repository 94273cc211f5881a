package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Avro record type on Avro single-object encoding ({@code C3 01} + CRC-64-AVRO fingerprint +
 * binary body). Writer schemas are resolved by fingerprint against the current schema and every released version
 * of the same record, so no schema registry is needed and older producers keep working.
 *
 * <p>State stores read and write through this serde on every record, so it encodes with Avro's buffered binary
 * encoder and decodes straight from the byte array (Avro's message encoder and decoder go byte by byte through
 * streams), records of the current schema with a direct reader over an {@link ArrayDecoder} where there is one;
 * the wire format is the same. Thread-safe: encoders and decoders are reused per thread.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private static final int HEADER_BYTES = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final ThreadLocal<Encoding> ENCODINGS = ThreadLocal.withInitial(Encoding::new);
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();
    private static final ThreadLocal<ArrayDecoder> ARRAY_DECODERS = ThreadLocal.withInitial(ArrayDecoder::new);
    /** Reads the header's little-endian fingerprint in place (a ByteBuffer per record showed in the profile). */
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Class<T> type;
    private final Schema schema;
    private final byte[] header;
    private final SpecificDatumWriter<T> writer;
    /** The current schema's, looked up first: nearly every record is of it. */
    private final long currentFingerprint;
    private final DatumReader<T> currentReader;
    /**
     * The released writer schemas' fingerprints and readers, searched in turn (a few; no boxed key per lookup: a
     * batch's kernels ask the crossings' serde first, a fifth of the topology's reads).
     */
    private final long[] releasedFingerprints;
    private final DatumReader<T>[] releasedReaders;

    SingleObjectSerde(Class<T> type, Schema schema, Iterable<Schema> releasedWriterSchemas) {
        this.type = type;
        this.schema = schema;
        SpecificData model = codersOf(type);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_0).put(MARKER_1).putLong(fingerprint).array();
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.currentFingerprint = fingerprint;
        this.currentReader = currentReader(type, fingerprint, schema, model);
        Map<Long, DatumReader<T>> released = new LinkedHashMap<>();
        for (Schema writerSchema : releasedWriterSchemas) {
            long writerFingerprint = SchemaNormalization.parsingFingerprint64(writerSchema);
            if (writerFingerprint != fingerprint) {
                released.putIfAbsent(writerFingerprint, new SpecificDatumReader<>(writerSchema, schema, model));
            }
        }
        this.releasedFingerprints = released.keySet().stream().mapToLong(Long::longValue).toArray();
        @SuppressWarnings("unchecked")
        DatumReader<T>[] readers = released.values().toArray(new DatumReader[0]);
        this.releasedReaders = readers;
    }

    /**
     * Writes through the record classes' generated encoders (customEncode), which write each field directly (Avro's
     * generic writer gets every field through get(int), boxing each number): bench hot-paths encodeCrossing 275 ns
     * before, 103 after. Reads keep Avro's fast reader: the generated decoders go through a resolving decoder's
     * grammar per field, which cost more than the boxing in the topology. A model of this serde's own, so that
     * Avro's shared model keeps its defaults for everyone else.
     */
    private static SpecificData codersOf(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        model.setCustomCoders(true);
        model.setFastReaderEnabled(true);
        return model;
    }

    /**
     * The reader of the current schema: the direct readers of the events and their batches where there is one for
     * it (a quarter of the topology's time went to reading them), else Avro's.
     */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> DatumReader<T> currentReader(Class<T> type, long fingerprint,
            Schema schema, SpecificData model) {
        if (type == Crossing.class && fingerprint == CrossingReader.FINGERPRINT) {
            return (DatumReader<T>) new CrossingReader();
        }
        if (type == KernelExec.class && fingerprint == KernelExecReader.FINGERPRINT) {
            return (DatumReader<T>) new KernelExecReader();
        }
        if (type == NodeEventBatch.class && fingerprint == NodeEventBatchReader.FINGERPRINT) {
            return (DatumReader<T>) new NodeEventBatchReader();
        }
        return new SpecificDatumReader<>(schema, schema, model);
    }

    /** The single-object header of the current schema: the marker and its fingerprint. */
    byte[] header() {
        return header.clone();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        try {
            Encoding encoding = ENCODINGS.get();
            encoding.out.reset();
            encoding.out.write(header);
            writer.write(record, encoding.encoder);
            encoding.encoder.flush();
            byte[] bytes = encoding.out.toByteArray();
            if (bytes.length > Encoding.KEPT_BYTES) {
                ENCODINGS.remove(); // a buffer grown by one large state is not kept for the thread's life
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SchemaDecodingException(
                    "cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 2 || data[0] != MARKER_0 || data[1] != MARKER_1) {
            throw new SchemaDecodingException(describe(topic, data)
                    + "not Avro single-object encoding (expected marker C3 01, got " + firstBytes(data) + ")");
        }
        if (data.length < HEADER_BYTES) {
            throw new SchemaDecodingException(describe(topic, data) + "header truncated (" + data.length
                    + " of " + HEADER_BYTES + " bytes)");
        }
        DatumReader<T> reader = readerOf(data);
        if (reader == null) {
            throw new SchemaDecodingException(describe(topic, data) + "unknown schema fingerprint "
                    + fingerprintOf(data) + "; known: " + type.getSimpleName() + " fingerprint "
                    + fingerprintHex(SchemaNormalization.parsingFingerprint64(schema))
                    + " and its released versions (a newer producer, or another record type?)");
        }
        return read(topic, data, 0, data.length, reader, null);
    }

    /**
     * The record if the bytes are single-object encoded with this record's schema or one of its released versions,
     * read into {@code reuse} when one is given (its fields overwritten: for a caller that keeps nothing of the record
     * it read before); null if they are not (no such header, or another fingerprint).
     */
    public T deserializeIfKnown(String topic, byte[] data, T reuse) {
        return data == null ? null : deserializeIfKnown(topic, data, 0, data.length, reuse);
    }

    /**
     * As {@link #deserializeIfKnown(String, byte[], Object)} for the bytes {@code data[offset, offset + length)}: an
     * element of a node event batch read in place, without a copy of its own. The record read keeps no reference to
     * the array.
     */
    public T deserializeIfKnown(String topic, byte[] data, int offset, int length, T reuse) {
        DatumReader<T> reader = readerOf(data, offset, length);
        return reader == null ? null : read(topic, data, offset, length, reader, reuse);
    }

    private T read(String topic, byte[] data, int offset, int length, DatumReader<T> reader, T reuse) {
        try {
            int bodyStart = offset + HEADER_BYTES;
            if (reader instanceof CurrentSchemaReader) {
                return reader.read(reuse, ARRAY_DECODERS.get().reset(data, bodyStart, offset + length));
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, bodyStart, length - HEADER_BYTES,
                    DECODERS.get());
            DECODERS.set(decoder);
            return reader.read(reuse, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SchemaDecodingException(describe(topic, length) + "corrupt body ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The reader of the bytes' writer schema, or null when they carry no header or another fingerprint. */
    private DatumReader<T> readerOf(byte[] data) {
        return data == null ? null : readerOf(data, 0, data.length);
    }

    private DatumReader<T> readerOf(byte[] data, int offset, int length) {
        if (length < HEADER_BYTES || data[offset] != MARKER_0 || data[offset + 1] != MARKER_1) {
            return null;
        }
        long fingerprint = fingerprintAt(data, offset);
        if (fingerprint == currentFingerprint) {
            return currentReader;
        }
        for (int i = 0; i < releasedFingerprints.length; i++) {
            if (releasedFingerprints[i] == fingerprint) {
                return releasedReaders[i];
            }
        }
        return null;
    }

    private static long fingerprintAt(byte[] data, int offset) {
        return (long) LITTLE_ENDIAN_LONG.get(data, offset + 2);
    }

    /** Whether the bytes are single-object encoded with this record's schema or one of its released versions. */
    public boolean reads(byte[] data) {
        return readerOf(data) != null;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the schema comes from the record class.
    }

    @Override
    public void close() {
        // Nothing to release: encoders and decoders hold no external resources.
    }

    /**
     * A thread's output buffer with the encoder bound to it once: binding an encoder to a stream wraps the stream in
     * a new channel, which cost as much as encoding a small event.
     */
    private static final class Encoding {
        static final int KEPT_BYTES = 1 << 20;
        final Bytes out = new Bytes();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    }

    /**
     * A growable byte array stream without the lock {@code ByteArrayOutputStream} takes per call (four per event
     * here: the reset, the header, the encoder's flush and the copy out). One thread's: see {@link Encoding}.
     */
    private static final class Bytes extends OutputStream {
        private byte[] buf = new byte[256];
        private int count;

        @Override
        public void write(int b) {
            ensureRoom(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureRoom(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        void reset() {
            count = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        private void ensureRoom(int bytes) {
            if (buf.length - count < bytes) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + bytes));
            }
        }
    }

    private String describe(String topic, byte[] data) {
        return describe(topic, data.length);
    }

    private String describe(String topic, int length) {
        return "cannot decode " + type.getSimpleName() + " from topic " + topic + " (" + length + " bytes): ";
    }

    private static String firstBytes(byte[] data) {
        int n = Math.min(2, data.length);
        return n == 0 ? "no bytes" : HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data, 0, n);
    }

    private static String fingerprintOf(byte[] data) {
        if (data.length < HEADER_BYTES) {
            return "(header truncated)";
        }
        return fingerprintHex(fingerprintAt(data, 0));
    }

    private static String fingerprintHex(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }
}
