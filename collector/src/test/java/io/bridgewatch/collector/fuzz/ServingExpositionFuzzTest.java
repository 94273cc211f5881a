package io.bridgewatch.collector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.collector.serving.ServingScraper;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A serving engine's /metrics text as the collector scrapes it: whatever the text, a scrape yields a sample,
 * nothing, or {@link IllegalArgumentException} saying what is wrong (the scrape loop logs it and tries again).
 */
class ServingExpositionFuzzTest {
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void scrape(byte[] body) {
        String exposition = new String(body, StandardCharsets.UTF_8);
        ServingScraper scraper = new ServingScraper("fuzz", URI.create("http://127.0.0.1:1/metrics"));
        try {
            scraper.accept(exposition, 1_000_000_000L);
            scraper.accept(exposition, 2_000_000_000L); // the second gives deltas against the first
        } catch (IllegalArgumentException refused) {
            // not an engine's exposition
        }
    }
}
