package io.bridgewatch.streams;

import static io.bridgewatch.streams.TestEvents.MS;
import static io.bridgewatch.streams.TestEvents.S;
import static io.bridgewatch.streams.TestEvents.T0;
import static io.bridgewatch.streams.TestEvents.US;
import static io.bridgewatch.streams.TestEvents.copy;
import static io.bridgewatch.streams.TestEvents.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.topics.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In-stream toll regression against the cohort's rolling baseline (DESIGN 4.7). */
class RegressionTopologyTest {
    private TopologyHarness harness;
    private TestOutputTopic<String, BridgeAlert> alerts;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(new TopologyConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        alerts = harness.output(Topics.ALERTS, BridgeAlert.class);
        for (String n : List.of("n1", "n2", "n3")) {
            harness.nodes.pipeInput(n, node(n, CcMode.ON));
        }
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldFireWhenOneNodesTollDoublesAndResolveWhenItComesBack() {
        // Windows 0-3: every node's small copies cost 330 us; windows 4-5: n1's cost 660 us; window 6: back.
        for (int window = 0; window < 7; window++) {
            for (String n : List.of("n1", "n2", "n3")) {
                long costUs = n.equals("n1") && (window == 4 || window == 5) ? 660 : 330;
                for (int i = 0; i < 5; i++) {
                    long a = T0 + window * 10 * S + i * 100 * MS;
                    harness.crossings.pipeInput(n, copy(a, a + 5 * US, a, a + costUs * US, 64).setNodeId(n).build());
                }
            }
        }
        harness.advanceStreamTimeTo(T0 + 90 * S);

        List<BridgeAlert> raised = alerts.readValuesToList();
        assertThat(raised).extracting(BridgeAlert::getStatus).containsExactly("FIRING", "RESOLVED");
        BridgeAlert firing = raised.get(0);
        assertThat(firing.getNodeId()).isEqualTo("n1");
        assertThat(firing.getKind()).isEqualTo("TOLL_REGRESSION");
        assertThat(firing.getWindowStartNs()).isEqualTo(T0 + 40 * S);
        assertThat(firing.getBaselineS()).isCloseTo(330e-6, within(330e-6 * 0.02));
        assertThat(firing.getRatio()).isCloseTo(2.0, within(0.05));
        assertThat(firing.getDescription()).contains("toll of n1 H2D PINNED", "its cohort's rolling baseline");
        assertThat(raised.get(1).getWindowStartNs()).isEqualTo(T0 + 60 * S);
    }

    @Test
    void shouldStayQuietWhileTheBaselineHasTooFewWindows() {
        for (String n : List.of("n1", "n2")) {
            long costUs = n.equals("n1") ? 990 : 330;
            harness.crossings.pipeInput(n, copy(T0 + S, T0 + S + 5 * US, T0 + S, T0 + S + costUs * US, 64)
                    .setNodeId(n).build());
        }
        harness.advanceStreamTimeTo(T0 + 30 * S);
        assertThat(alerts.isEmpty()).isTrue();
    }
}
