package io.bridgewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.schema.CcMode;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(new StringReader(yaml), "fleet.yaml");
    }

    @Test
    void shouldLoadTheDefaultScenarioWithTwelveNodes() {
        Scenario scenario = ScenarioLoader.loadDefault();
        assertThat(scenario.nodes()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(scenario.nodes()).extracting(NodeSpec::ccMode).contains(CcMode.ON, CcMode.OFF);
        assertThat(scenario.defaults().workload().stepCompute()).isEqualTo(14_000_000L);
        assertThat(scenario.bridge().confidential().toll()).isEqualTo(330_000L);
    }

    @Test
    void shouldCopyAFleetWithItsNodesRenamedAndAlike() {
        Scenario base = ScenarioLoader.loadDefault();
        Scenario copied = base.timesOver(3);

        assertThat(copied.nodes()).hasSize(3 * base.nodes().size());
        assertThat(copied.nodes().subList(0, base.nodes().size())).isEqualTo(base.nodes());
        NodeSpec first = base.nodes().get(0);
        NodeSpec thirdCopy = copied.nodes().get(2 * base.nodes().size());
        assertThat(thirdCopy.id()).isEqualTo(first.id() + "-2");
        assertThat(thirdCopy.ccMode()).isEqualTo(first.ccMode());
        assertThat(thirdCopy.concurrency()).isEqualTo(first.concurrency());
        assertThat(copied.seed()).isEqualTo(base.seed());
        assertThatThrownBy(() -> base.timesOver(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseUnits() {
        Scenario s = parse("""
                defaults:
                  phases:
                    kv_restore: {every: 1.5s, block_bytes: 2MiB}
                bridge:
                  reference:
                    h2d_pinned: {toll: 12us, bandwidth: 50GB/s}
                nodes:
                  - {id: a, cc_mode: "OFF", concurrency: 4}
                """);
        assertThat(s.defaults().phases().kvRestore().every()).isEqualTo(1_500_000_000L);
        assertThat(s.defaults().phases().kvRestore().blockBytes()).isEqualTo(2L << 20);
        assertThat(s.bridge().reference().h2dPinned().bandwidth()).isEqualTo(50e9);
        assertThat(s.bridge().reference().d2hPinned()).isEqualTo(BridgeParameters.Reference.H200.d2hPinned());
    }

    @Test
    void shouldNameFileLineAndFieldOfAnUnknownEnumValue() {
        assertThatThrownBy(() -> parse("""
                seed: 1
                nodes:
                  - {id: a, cc_mode: "OFF", concurrency: 4}
                  - {id: b, cc_mode: MAYBE, concurrency: 4}
                """))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("fleet.yaml:4:")
                .hasMessageContaining("nodes[1].cc_mode")
                .hasMessageContaining("MAYBE");
    }

    @Test
    void shouldRejectUnknownKeys() {
        assertThatThrownBy(() -> parse("""
                nodes:
                  - {id: a, cc_mode: "OFF", concurrency: 4, colour: red}
                """))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("fleet.yaml:2:")
                .hasMessageContaining("nodes[0].colour")
                .hasMessageContaining("unknown key 'colour'");
    }

    @Test
    void shouldExplainABadUnit() {
        assertThatThrownBy(() -> parse("""
                defaults:
                  workload:
                    step_compute: 14 parsecs
                nodes:
                  - {id: a, cc_mode: "OFF", concurrency: 4}
                """))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("fleet.yaml:3:")
                .hasMessageContaining("defaults.workload.step_compute")
                .hasMessageContaining("not a duration");
    }

    @Test
    void shouldExplainAnInvalidValue() {
        assertThatThrownBy(() -> parse("""
                nodes:
                  - {id: a, cc_mode: "ON", concurrency: 0}
                """))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("fleet.yaml:2:")
                .hasMessageContaining("needs concurrency >= 1");
    }

    @Test
    void shouldRejectUnknownMitigations() {
        assertThatThrownBy(() -> parse("""
                nodes:
                  - {id: a, cc_mode: "ON", concurrency: 4, mitigations: [faster]}
                """))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("unknown mitigation 'faster'");
    }
}
