package io.bridgewatch.streams;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SchemaDecodingException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time comes from the payload (host API entry, interval end), not from when Kafka received the record; a node
 * event batch is as late as its last event (its events are stamped one by one when unpacked).
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private static final long NS_PER_MS = 1_000_000;
    private static final long NONE = Long.MIN_VALUE;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long payloadTime = payloadTimeMs(record.value());
        if (payloadTime != NONE) {
            return payloadTime;
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }

    private static long payloadTimeMs(Object value) {
        if (value instanceof Crossing c) {
            return c.getApiStartNs() / NS_PER_MS;
        }
        if (value instanceof KernelExec k) {
            return k.getApiStartNs() / NS_PER_MS;
        }
        if (value instanceof ServingSample s) {
            return s.getIntervalEndNs() / NS_PER_MS;
        }
        if (value instanceof NodeInfo n) {
            return n.getStartedAtNs() / NS_PER_MS;
        }
        if (value instanceof BridgeCostWindow w) {
            return w.getWindowEndNs() / NS_PER_MS;
        }
        if (value instanceof NodeEventBatch batch && !batch.getEvents().isEmpty()) {
            try {
                return payloadTimeMs(NodeEventCodec.decode(batch.getEvents().get(batch.getEvents().size() - 1),
                        null, null));
            } catch (SchemaDecodingException e) {
                return NONE; // the unpacker dead-letters that event; the batch keeps the record's time
            }
        }
        return NONE;
    }
}
