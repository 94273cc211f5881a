package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.node;
import static io.bridgewatch.streams.TestEvents.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.ConcurrencyWindow;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.export.MetricNames;
import io.bridgewatch.streams.export.ResultMetrics;
import io.bridgewatch.streams.query.LocalAnswers;
import io.bridgewatch.streams.query.QueryException;
import io.bridgewatch.streams.query.ResultView;
import io.bridgewatch.streams.query.WindowsAnswer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The result views keep what the topology emitted, and the query layer and the exporter read them. */
class ResultViewsTest {
    private static final long T0_MS = T0 / MS;
    private TopologyHarness harness;
    private LocalAnswers answers;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        answers = new LocalAnswers(new DriverViews(harness.driver), "test:1");
        harness.nodes.pipeInput("n1", node("n1", CcMode.ON));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldKeepEveryEmittedNodeResultAfterItsWindowClosed() {
        copiesInWindows(3);
        harness.advanceStreamTimeTo(T0 + 36 * S);
        List<BridgeCostWindow> emitted = harness.output(Topics.BRIDGE_COST, BridgeCostWindow.class)
                .readValuesToList().stream().filter(w -> w.getNodeId().equals("n1")).toList();
        List<ConcurrencyWindow> concurrency = harness.output(Topics.CONCURRENCY, ConcurrencyWindow.class)
                .readValuesToList().stream().filter(w -> w.getNodeId().equals("n1")).toList();

        WindowsAnswer answer = answers.windows(ResultView.Scope.NODE, "n1", 0, 0, Long.MAX_VALUE);

        assertThat(emitted).hasSize(3);
        assertThat(answer.rows().get("cost")).containsExactlyElementsOf(emitted);
        assertThat(answer.rows().get("concurrency")).containsExactlyElementsOf(concurrency);
        assertThat(answer.freshness().role()).isEqualTo(WindowsAnswer.Role.ACTIVE);
    }

    @Test
    void shouldSelectWindowsByTheirStart() {
        copiesInWindows(3);
        harness.advanceStreamTimeTo(T0 + 36 * S);

        WindowsAnswer second = answers.windows(ResultView.Scope.NODE, "n1", 0, T0_MS + 10_000, T0_MS + 19_999);

        assertThat(second.rows().get("cost")).singleElement()
                .satisfies(w -> assertThat(((BridgeCostWindow) w).getWindowStartNs()).isEqualTo(T0 + 10 * S));
    }

    @Test
    void shouldAnswerNotFoundForANodeWithoutNodeFacts() {
        assertThatThrownBy(() -> answers.windows(ResultView.Scope.NODE, "nobody", 0, 0, Long.MAX_VALUE))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("unknown node 'nobody'");
    }

    @Test
    void shouldExportTheLatestWindowOfEachSeriesUntilItIsStale() {
        copiesInWindows(2);
        harness.advanceStreamTimeTo(T0 + 26 * S);
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        MovableClock clock = new MovableClock(Instant.ofEpochMilli(T0_MS + 30_000));
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
                ResultMetrics metrics = new ResultMetrics(provider.get("test"), new DriverViews(harness.driver),
                        Duration.ofMinutes(5), clock)) {
            List<DoublePointData> tolls = points(reader, MetricNames.BRIDGE_TOLL).stream()
                    .filter(p -> "n1".equals(p.getAttributes().get(AttributeKey.stringKey("node")))).toList();
            BridgeCostWindow latest = (BridgeCostWindow) answers.windows(ResultView.Scope.NODE, "n1", 0,
                    T0_MS + 10_000, Long.MAX_VALUE).rows().get("cost").get(0);

            assertThat(tolls).singleElement().satisfies(p -> {
                assertThat(p.getValue()).isEqualTo(latest.getTollS());
                assertThat(p.getAttributes().get(AttributeKey.stringKey("cc_mode"))).isEqualTo("ON");
                assertThat(p.getAttributes().get(AttributeKey.stringKey("direction"))).isEqualTo("H2D");
            });
            clock.now = clock.now.plus(Duration.ofMinutes(6));
            assertThat(points(reader, MetricNames.BRIDGE_TOLL)).as("stale windows are not exported").isEmpty();
        }
    }

    @Test
    void shouldExportProvisionalCohortFiguresApartFromTheFinalOnes() {
        harness.nodes.pipeInput("ref", node("ref", CcMode.OFF));
        for (int second = 1; second <= 20; second++) {
            harness.serving.pipeInput("ref", serving("ref", T0 + second * S, 100, 0.010));
            harness.serving.pipeInput("n1", serving("n1", T0 + second * S, 80, 0.0125));
        }
        harness.driver.advanceWallClockTime(TopologyConfig.DEFAULT_COHORT_PROVISIONAL);
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        MovableClock clock = new MovableClock(Instant.ofEpochMilli(T0_MS + 30_000));
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
                ResultMetrics metrics = new ResultMetrics(provider.get("test"), new DriverViews(harness.driver),
                        Duration.ofMinutes(5), clock)) {
            var metricsNow = reader.collectAllMetrics();
            assertThat(metricsNow).filteredOn(m -> m.getName().equals(MetricNames.THROUGHPUT_GAP))
                    .as("no final figure before the window closes").isEmpty();
            assertThat(metricsNow).filteredOn(m -> m.getName()
                            .equals(MetricNames.provisional(MetricNames.THROUGHPUT_GAP)))
                    .flatExtracting(m -> m.getDoubleGaugeData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(((DoublePointData) p).getValue()).isCloseTo(0.2, within(1e-9)));
        }
    }

    /** Copies of two sizes in each of the first {@code windows} node windows of n1. */
    private void copiesInWindows(int windows) {
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < 20; i++) {
                long a = T0 + w * 10 * S + i * 100 * MS;
                long bytes = i % 2 == 0 ? 4096 : 1 << 20;
                long cost = 300 * US + bytes / 10_000;
                harness.crossings.pipeInput("n1", copy(a, a + cost, a, a + cost, bytes).build());
            }
        }
    }

    private static List<DoublePointData> points(InMemoryMetricReader reader, String name) {
        return reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getDoubleGaugeData().getPoints().stream()).toList();
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

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
}
