package io.bridgewatch.streams.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest value of each series of one gauge, as the results come in; series not updated within the staleness
 * limit are dropped at the next scrape (a node that left the fleet stops being reported).
 */
final class GaugeTable {
    private record Point(double value, long updatedMillis) {
    }

    private final Map<Attributes, Point> series = new ConcurrentHashMap<>();
    private final long staleAfterMillis;

    GaugeTable(long staleAfterMillis) {
        this.staleAfterMillis = staleAfterMillis;
    }

    void set(Attributes attributes, Double value, long nowMillis) {
        if (value != null && !value.isNaN() && !value.isInfinite()) {
            series.put(attributes, new Point(value, nowMillis));
        }
    }

    void report(ObservableDoubleMeasurement measurement, long nowMillis) {
        series.entrySet().removeIf(e -> nowMillis - e.getValue().updatedMillis() > staleAfterMillis);
        series.forEach((attributes, point) -> measurement.record(point.value(), attributes));
    }
}
