package io.bridgewatch.schema.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Avro record type on Avro single-object encoding ({@code C3 01} + CRC-64-AVRO fingerprint +
 * binary body). Writer schemas are resolved by fingerprint against the current schema and every released version
 * of the same record, so no schema registry is needed and older producers keep working.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private static final int HEADER_BYTES = 10;

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    SingleObjectSerde(Class<T> type, Schema schema, Iterable<Schema> releasedWriterSchemas) {
        this.type = type;
        this.schema = schema;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema writer : releasedWriterSchemas) {
            decoder.addSchema(writer);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
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
        try {
            return decoder.decode(data);
        } catch (BadHeaderException e) {
            throw new SchemaDecodingException(describe(topic, data)
                    + "not Avro single-object encoding (expected marker C3 01, got " + firstBytes(data) + ")", e);
        } catch (MissingSchemaException e) {
            throw new SchemaDecodingException(describe(topic, data) + "unknown schema fingerprint "
                    + fingerprintOf(data) + "; known: " + type.getSimpleName() + " fingerprint "
                    + fingerprintHex(SchemaNormalization.parsingFingerprint64(schema))
                    + " and its released versions (a newer producer, or another record type?)", e);
        } catch (IOException | RuntimeException e) {
            throw new SchemaDecodingException(describe(topic, data) + "corrupt body ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
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

    private String describe(String topic, byte[] data) {
        return "cannot decode " + type.getSimpleName() + " from topic " + topic + " (" + data.length + " bytes): ";
    }

    private static String firstBytes(byte[] data) {
        int n = Math.min(2, data.length);
        return n == 0 ? "no bytes" : HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data, 0, n);
    }

    private static String fingerprintOf(byte[] data) {
        if (data.length < HEADER_BYTES) {
            return "(header truncated)";
        }
        return fingerprintHex(ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    private static String fingerprintHex(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }
}
