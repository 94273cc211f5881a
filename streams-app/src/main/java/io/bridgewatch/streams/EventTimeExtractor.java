package io.bridgewatch.streams;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time comes from the payload (host API entry, interval end), not from when Kafka received the record. */
public final class EventTimeExtractor implements TimestampExtractor {
    private static final long NS_PER_MS = 1_000_000;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
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
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
