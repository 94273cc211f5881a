package io.bridgewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.StreamSupport;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference bridge defaults must agree with the H200 copy microbenchmark in {@code shared/data}: the toll with
 * the fastest small synchronous copy, the bandwidth with the largest (256 MiB) synchronous copy.
 */
class BridgeDefaultsTest {
    private static JsonNode bench;

    @BeforeAll
    static void readBenchmark() throws Exception {
        Path file = Path.of(System.getProperty("bridgewatch.shared.dir", "../shared"), "data", "h200-copy-bench.json");
        assumeThat(Files.exists(file)).as("shared data next to the repository: %s", file).isTrue();
        bench = new ObjectMapper().readTree(file.toFile());
    }

    @ParameterizedTest
    @CsvSource({"H2D, pinned", "D2H, pinned", "H2D, pageable", "D2H, pageable"})
    void shouldMatchTheMeasuredTollAndBandwidth(String direction, String memory) {
        BridgeParameters.Reference ref = BridgeParameters.Reference.H200;
        BridgeParameters.Path path = switch (direction + "/" + memory) {
            case "H2D/pinned" -> ref.h2dPinned();
            case "D2H/pinned" -> ref.d2hPinned();
            case "H2D/pageable" -> ref.h2dPageable();
            default -> ref.d2hPageable();
        };
        double fastestSmallNs = rows(direction, memory).filter(r -> r.get("bytes").asLong() <= 4096)
                .mapToDouble(r -> r.get("p50_ns").asDouble()).min().orElseThrow();
        JsonNode largest = rows(direction, memory).max((a, b) -> Long.compare(a.get("bytes").asLong(),
                b.get("bytes").asLong())).orElseThrow();
        double measuredBandwidth = largest.get("bytes").asDouble() / (largest.get("p50_ns").asDouble() * 1e-9);

        // Python-timed wall latencies carry a few microseconds of interpreter overhead: a loose bound on the toll.
        assertThat((double) path.toll()).isCloseTo(fastestSmallNs, Percentage.withPercentage(35));
        assertThat(path.bandwidth()).isCloseTo(measuredBandwidth, Percentage.withPercentage(10));
    }

    private static java.util.stream.Stream<JsonNode> rows(String direction, String memory) {
        return StreamSupport.stream(bench.get("single").spliterator(), false)
                .filter(r -> r.get("dir").asText().equals(direction) && r.get("host_mem").asText().equals(memory)
                        && r.get("mode").asText().equals("sync"));
    }
}
