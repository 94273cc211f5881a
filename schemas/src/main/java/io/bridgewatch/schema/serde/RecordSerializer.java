package io.bridgewatch.schema.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Serializes any Bridgewatch record with its own single-object serde; for producers that write several types. */
public final class RecordSerializer implements Serializer<SpecificRecord> {
    private final Map<Class<?>, SingleObjectSerde<?>> serdes = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] serialize(String topic, SpecificRecord record) {
        if (record == null) {
            return null;
        }
        SingleObjectSerde serde = serdes.computeIfAbsent(record.getClass(),
                type -> BridgewatchSerdes.of((Class<SpecificRecord>) type));
        return serde.serialize(topic, record);
    }
}
