package io.bridgewatch.collector.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.bridgewatch.schema.HistogramDelta;
import io.bridgewatch.schema.ServingSample;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The scraper against an HTTP server in the test, serving exposition text written from the documented names. */
class ServingScraperTest {

    /** vLLM V1 metrics (FORMATS.md section 5): two engines, two finish reasons, histograms with three bounds. */
    private static String vllm(double tokensEngine0, double tokensEngine1, double prompt, double stop,
            double length, double running, long[] itlCumulative, double itlSum) {
        StringBuilder text = new StringBuilder();
        text.append("# HELP vllm:generation_tokens_total Number of generation tokens processed.\n");
        text.append("# TYPE vllm:generation_tokens_total counter\n");
        text.append(String.format(Locale.ROOT,
                "vllm:generation_tokens_total{engine=\"0\",model_name=\"Qwen/Qwen3-8B\"} %.1f%n", tokensEngine0));
        text.append(String.format(Locale.ROOT,
                "vllm:generation_tokens_total{engine=\"1\",model_name=\"Qwen/Qwen3-8B\"} %.1f%n", tokensEngine1));
        text.append(String.format(Locale.ROOT, "vllm:prompt_tokens_total{engine=\"0\",model_name=\"Qwen/Qwen3-8B\"} "
                + "%.1f%n", prompt));
        text.append(String.format(Locale.ROOT, "vllm:request_success_total{engine=\"0\",finished_reason=\"stop\","
                + "model_name=\"Qwen/Qwen3-8B\"} %.1f%n", stop));
        text.append(String.format(Locale.ROOT, "vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                + "model_name=\"Qwen/Qwen3-8B\"} %.1f%n", length));
        text.append(String.format(Locale.ROOT, "vllm:num_requests_running{engine=\"0\",model_name=\"Qwen/Qwen3-8B\"}"
                + " %.1f%n", running));
        text.append("# TYPE vllm:inter_token_latency_seconds histogram\n");
        String[] bounds = {"0.01", "0.025", "0.05", "+Inf"};
        for (int i = 0; i < bounds.length; i++) {
            text.append(String.format(Locale.ROOT, "vllm:inter_token_latency_seconds_bucket{engine=\"0\",le=\"%s\","
                    + "model_name=\"Qwen/Qwen3-8B\"} %d%n", bounds[i], itlCumulative[i]));
        }
        text.append(String.format(Locale.ROOT, "vllm:inter_token_latency_seconds_count{engine=\"0\",model_name="
                + "\"Qwen/Qwen3-8B\"} %d%n", itlCumulative[3]));
        text.append(String.format(Locale.ROOT, "vllm:inter_token_latency_seconds_sum{engine=\"0\",model_name="
                + "\"Qwen/Qwen3-8B\"} %.3f%n", itlSum));
        text.append("vllm:inter_token_latency_seconds_created{engine=\"0\",model_name=\"Qwen/Qwen3-8B\"} 1.7e9\n");
        return text.toString();
    }

    @Test
    void shouldTurnTwoScrapesIntoTheDeltasBetweenThemAndSurviveAnEngineRestart() throws Exception {
        AtomicReference<String> exposition = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ServingScraper scraper = new ServingScraper("node-1",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"));
            exposition.set(vllm(1000, 500, 200, 10, 2, 5, new long[] {100, 300, 350, 360}, 7.5));
            assertThat(scraper.scrape()).as("the first scrape sets the baseline").isEmpty();

            exposition.set(vllm(1600, 650, 260, 14, 3, 7, new long[] {150, 420, 490, 500}, 10.0));
            ServingSample sample = scraper.scrape().orElseThrow();
            assertThat(sample.getNodeId()).isEqualTo("node-1");
            assertThat(sample.getOutputTokens()).isEqualTo(750); // summed over both engines
            assertThat(sample.getPromptTokens()).isEqualTo(60);
            assertThat(sample.getRequestsFinished()).isEqualTo(5); // over both finish reasons
            assertThat(sample.getRunningRequests()).isEqualTo(7.0);
            assertThat(sample.getIntervalEndNs()).isGreaterThanOrEqualTo(sample.getIntervalStartNs());
            HistogramDelta itl = sample.getInterTokenLatency();
            assertThat(itl.getUpperBoundsS()).containsExactly(0.01, 0.025, 0.05);
            // Cumulative deltas 50, 120, 140, 140 become per-bucket counts 50, 70, 20, 0.
            assertThat(itl.getBucketCounts()).containsExactly(50L, 70L, 20L, 0L);
            assertThat(itl.getCount()).isEqualTo(140);
            assertThat(itl.getSumS()).isCloseTo(2.5, Offset.offset(1e-9));
            assertThat(sample.getTimeToFirstToken()).as("not exposed here").isNull();

            // The engine restarted: counters start again from zero.
            exposition.set(vllm(40, 0, 8, 1, 0, 1, new long[] {3, 4, 4, 4}, 0.05));
            ServingSample afterRestart = scraper.scrape().orElseThrow();
            assertThat(afterRestart.getOutputTokens()).isEqualTo(40);
            assertThat(afterRestart.getRequestsFinished()).isEqualTo(1);
            assertThat(afterRestart.getInterTokenLatency().getBucketCounts()).containsExactly(3L, 1L, 0L, 0L);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldReadSglangNamesAndRefuseAnEndpointWithoutEngineMetrics() {
        ServingScraper scraper = new ServingScraper("node-2", URI.create("http://unused/metrics"));
        String before = """
                # TYPE sglang:generation_tokens_total counter
                sglang:generation_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.557572e+06
                sglang:prompt_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 8.128902e+06
                sglang:num_requests_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 1000
                sglang:num_running_reqs{model_name="meta-llama/Llama-3.1-8B-Instruct"} 28
                sglang:time_to_first_token_seconds_bucket{le="0.5",model_name="meta-llama/Llama-3.1-8B-Instruct"} 10
                sglang:time_to_first_token_seconds_bucket{le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12
                sglang:time_to_first_token_seconds_count{model_name="meta-llama/Llama-3.1-8B-Instruct"} 12
                sglang:time_to_first_token_seconds_sum{model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
                """;
        String after = before.replace("7.557572e+06", "7.557872e+06").replace("} 1000", "} 1003")
                .replace("le=\"0.5\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 10",
                        "le=\"0.5\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 12")
                .replace("} 12\nsglang:time_to_first_token_seconds_count", "} 15\nsglang:time_to_first_token_seconds_count")
                .replace("_count{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 12",
                        "_count{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 15");
        assertThat(scraper.accept(before, 1_000)).isEmpty();
        Optional<ServingSample> sample = scraper.accept(after, 6_000_000_000L);
        assertThat(sample).get().satisfies(s -> {
            assertThat(s.getOutputTokens()).isEqualTo(300);
            assertThat(s.getRequestsFinished()).isEqualTo(3);
            assertThat(s.getRunningRequests()).isEqualTo(28.0);
            assertThat(s.getTimeToFirstToken().getBucketCounts()).containsExactly(2L, 1L);
        });
        assertThatThrownBy(() -> scraper.accept("process_cpu_seconds_total 12.5\n", 7_000_000_000L))
                .hasMessageContaining("no vLLM (vllm:*) or SGLang (sglang:*) metrics");
        assertThatThrownBy(() -> PrometheusText.parse("ok_metric 1\nbroken{le=\"0.5\" 3\n"))
                .hasMessageContaining("line 2");
        assertThat(PrometheusText.parse("m{a=\"x\\\"y\"} 2 1700000000\n")).containsExactly(
                new PrometheusText.Sample("m", Map.of("a", "x\"y"), 2.0));
    }
}
