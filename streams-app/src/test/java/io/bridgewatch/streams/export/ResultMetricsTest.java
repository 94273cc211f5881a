package io.bridgewatch.streams.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.CohortComparison;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultMetricsTest {
    private static final String COHORT = "NVIDIA H200|580|VLLM|0.14.1|Qwen3-27B-FP8|c32";

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldReportCohortFiguresWithTheirLabelsAndDropThemWhenStale() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        TestClock clock = new TestClock();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
                ResultMetrics metrics = new ResultMetrics(provider.get("test"), Duration.ofMinutes(5), clock)) {
            metrics.cohort(comparison());

            DoublePointData gap = point(reader.collectAllMetrics(), "bridgewatch_throughput_gap_ratio");
            assertThat(gap.getValue()).isEqualTo(0.2);
            assertThat(gap.getAttributes().get(AttributeKey.stringKey("cohort"))).isEqualTo(COHORT);
            assertThat(gap.getAttributes().get(AttributeKey.stringKey("variant"))).isEqualTo("cc+drain-thread");
            assertThat(gap.getAttributes().get(AttributeKey.stringKey("mitigation"))).isEqualTo("drain-thread");
            assertThat(point(reader.collectAllMetrics(), "bridgewatch_small_crossing_slowdown_ratio")
                    .getAttributes().get(AttributeKey.stringKey("direction"))).isEqualTo("H2D");

            clock.now = clock.now.plus(Duration.ofMinutes(6));
            assertThat(reader.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals("bridgewatch_throughput_gap_ratio"))
                    .flatMap(m -> m.getDoubleGaugeData().getPoints().stream())).as("stale series dropped").isEmpty();
        }
    }

    private static DoublePointData point(java.util.Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getDoubleGaugeData().getPoints().stream()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
    }

    private static CohortComparison comparison() {
        return CohortComparison.newBuilder().setCohort(COHORT).setVariant("cc+drain-thread").setCcMode(CcMode.ON)
                .setMitigations(List.of("drain-thread")).setWindowStartNs(0).setWindowEndNs(60_000_000_000L)
                .setNodes(List.of("n")).setReferenceSource("live").setTokensPerS(80.0).setThroughputGap(0.2)
                .setRecoveredFraction(0.75).setSmallCrossingSlowdown(Map.of("H2D", 22.0)).build();
    }
}
