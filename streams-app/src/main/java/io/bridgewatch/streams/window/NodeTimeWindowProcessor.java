package io.bridgewatch.streams.window;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * {@link NodeTimeWindows} as a processor of its own: each record folded into its window, closed windows forwarded,
 * stamped with their last millisecond. With a provisional interval, every open window's
 * {@link WindowAggregation#provisional} figures are forwarded that often (wall clock), for whoever wants a first look
 * before the window closes (its final result follows).
 */
public final class NodeTimeWindowProcessor<V, S, R> implements Processor<String, V, String, R> {
    private final NodeTimeWindows<V, S, R> windows;
    private final Duration provisionalEvery;
    private Emitter<R> forward;

    /** Windows keyed by node. */
    public NodeTimeWindowProcessor(String storeName, WindowAggregation<V, S, R> aggregation, WindowClose close) {
        this(storeName, aggregation, WindowNodes.key(), close);
    }

    public NodeTimeWindowProcessor(String storeName, WindowAggregation<V, S, R> aggregation, WindowNodes<V, S> nodes,
            WindowClose close) {
        this(storeName, aggregation, nodes, close, Duration.ZERO);
    }

    /** @param provisionalEvery how often open windows report provisional figures (zero: never) */
    public NodeTimeWindowProcessor(String storeName, WindowAggregation<V, S, R> aggregation, WindowNodes<V, S> nodes,
            WindowClose close, Duration provisionalEvery) {
        this.windows = new NodeTimeWindows<>(storeName, aggregation, nodes, close);
        this.provisionalEvery = provisionalEvery;
    }

    @Override
    public void init(ProcessorContext<String, R> context) {
        forward = (key, value, timestampMs) -> context.forward(new Record<>(key, value, timestampMs));
        windows.init(context);
        if (!provisionalEvery.isZero() && !provisionalEvery.isNegative()) {
            context.schedule(provisionalEvery, PunctuationType.WALL_CLOCK_TIME, now -> windows.emitProvisional(forward));
        }
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() != null) {
            windows.add(record.key(), record.value(), record.timestamp(), forward);
        }
    }
}
