package io.bridgewatch.simulator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/** A scenario file as the simulator loads it: a scenario, or {@link ScenarioException} naming line and field. */
class ScenarioFuzzTest {
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void parse(byte[] yaml) {
        try {
            ScenarioLoader.parse(new StringReader(new String(yaml, StandardCharsets.UTF_8)), "fuzz.yaml");
        } catch (ScenarioException refused) {
            // a clear error
        }
    }
}
