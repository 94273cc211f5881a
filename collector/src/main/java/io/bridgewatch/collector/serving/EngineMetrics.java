package io.bridgewatch.collector.serving;

import java.util.List;

/**
 * Where a serving engine exposes the figures a ServingSample needs (FORMATS.md section 5 for vLLM's V1 names; SGLang's
 * production metrics). Each figure lists its names newest first: engines rename metrics across versions.
 */
public enum EngineMetrics {
    VLLM("vllm:", List.of("vllm:generation_tokens_total"), List.of("vllm:prompt_tokens_total"),
            List.of("vllm:request_success_total"), List.of("vllm:num_requests_running"),
            List.of("vllm:time_to_first_token_seconds"),
            List.of("vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds")),
    SGLANG("sglang:", List.of("sglang:generation_tokens_total"), List.of("sglang:prompt_tokens_total"),
            List.of("sglang:num_requests_total"), List.of("sglang:num_running_reqs"),
            List.of("sglang:time_to_first_token_seconds"),
            List.of("sglang:inter_token_latency_seconds", "sglang:time_per_output_token_seconds"));

    final String prefix;
    final List<String> generationTokens;
    final List<String> promptTokens;
    final List<String> requestsFinished;
    final List<String> runningRequests;
    final List<String> timeToFirstToken;
    final List<String> interTokenLatency;

    EngineMetrics(String prefix, List<String> generationTokens, List<String> promptTokens,
            List<String> requestsFinished, List<String> runningRequests, List<String> timeToFirstToken,
            List<String> interTokenLatency) {
        this.prefix = prefix;
        this.generationTokens = generationTokens;
        this.promptTokens = promptTokens;
        this.requestsFinished = requestsFinished;
        this.runningRequests = runningRequests;
        this.timeToFirstToken = timeToFirstToken;
        this.interTokenLatency = interTokenLatency;
    }

    /** The engine whose metrics a scrape holds, or null. */
    static EngineMetrics of(List<PrometheusText.Sample> samples) {
        for (EngineMetrics engine : values()) {
            if (samples.stream().anyMatch(s -> s.name().startsWith(engine.prefix))) {
                return engine;
            }
        }
        return null;
    }
}
