package io.bridgewatch.streams.export;

import io.bridgewatch.streams.DeadLetterHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The streams-app's own health as OpenTelemetry instruments, read from Kafka Streams' metrics: how far behind its
 * inputs it is, how many records came too late for their window, how many records it could not read.
 */
public final class PipelineHealthMetrics implements AutoCloseable {
    private static final AttributeKey<String> INPUT = AttributeKey.stringKey("input");
    private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("streams_instance");
    private final List<AutoCloseable> instruments;

    /** @param instance this instance's name ({@code application.server}): instances of one process stay apart */
    public PipelineHealthMetrics(Meter meter, KafkaStreams streams, Set<String> inputTopics, String instance) {
        Attributes self = Attributes.of(INSTANCE, instance);
        this.instruments = List.of(
                meter.gaugeBuilder("bridgewatch_streams_input_lag").ofLongs().setUnit("{record}")
                        .setDescription("Records the streams-app has still to read from its input topics.")
                        .buildWithCallback(m -> m.record(inputLag(streams, inputTopics), self)),
                meter.counterBuilder("bridgewatch_late_records").setUnit("{record}")
                        .setDescription("Records that came after their window closed (sent to the dead-letter topic).")
                        .buildWithCallback(m -> lateRecordsByInput(streams).forEach((input, count) ->
                                m.record(count, self.toBuilder().put(INPUT, input).build()))),
                meter.counterBuilder("bridgewatch_unreadable_records").setUnit("{record}")
                        .setDescription("Records that could not be deserialized (sent to the dead-letter topic).")
                        .buildWithCallback(m -> m.record(DeadLetterHandler.count(), self)));
    }

    /** Records the instance's consumers have still to read from these topics (from their fetch metrics). */
    public static long inputLag(KafkaStreams streams, Set<String> inputTopics) {
        return Math.round(sum(streams, "records-lag", inputTopics));
    }

    private static double sum(KafkaStreams streams, String name, Set<String> topics) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals(name)
                        && topics.contains(m.metricName().tags().get("topic")))
                .mapToDouble(PipelineHealthMetrics::value).sum();
    }

    private static java.util.Map<String, Long> lateRecordsByInput(KafkaStreams streams) {
        java.util.Map<String, Long> byInput = new java.util.TreeMap<>();
        streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("late-records-total")
                        && m.metricName().tags().containsKey("bridgewatch-id"))
                .forEach(m -> byInput.merge(m.metricName().tags().get("bridgewatch-id"), Math.round(value(m)),
                        Long::sum));
        return byInput;
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable instrument : instruments) {
            instrument.close();
        }
    }
}
