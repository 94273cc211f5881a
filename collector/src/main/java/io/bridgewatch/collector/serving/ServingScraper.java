package io.bridgewatch.collector.serving;

import io.bridgewatch.schema.HistogramDelta;
import io.bridgewatch.schema.ServingSample;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Scrapes a serving engine's Prometheus endpoint (vLLM or SGLang, told by the metric names) and turns each pair of
 * scrapes into a ServingSample of what happened in between: counter deltas (tokens, finished requests), the
 * running-requests gauge, and TTFT / inter-token-latency histogram deltas. Series of one metric (engines, TP ranks,
 * finish reasons) are summed. A counter that went down was reset (the engine restarted): its delta is its new
 * value. The first scrape only sets the baseline.
 */
public final class ServingScraper {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Counters and histograms of one scrape. */
    private record Snapshot(long atNs, double generationTokens, double promptTokens, double requestsFinished,
            Histogram timeToFirstToken, Histogram interTokenLatency) {
    }

    /** A cumulative histogram summed over its series: finite bounds ascending, cumulative counts per bound. */
    private record Histogram(List<Double> bounds, List<Double> cumulative, double count, double sum) {
    }

    private final String nodeId;
    private final URI endpoint;
    private final HttpClient http;
    private Snapshot previous;

    public ServingScraper(String nodeId, URI endpoint) {
        this.nodeId = nodeId;
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Scrapes once: the sample since the previous scrape, or empty for the first. */
    public Optional<ServingSample> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " answered HTTP " + response.statusCode());
        }
        return accept(response.body(), System.currentTimeMillis() * 1_000_000L);
    }

    /** Takes one scrape's exposition text, taken at {@code nowNs}. */
    public Optional<ServingSample> accept(String exposition, long nowNs) {
        List<PrometheusText.Sample> samples = PrometheusText.parse(exposition);
        EngineMetrics engine = EngineMetrics.of(samples);
        if (engine == null) {
            throw new IllegalArgumentException(endpoint + ": no vLLM (vllm:*) or SGLang (sglang:*) metrics");
        }
        Snapshot current = new Snapshot(nowNs, counter(samples, engine.generationTokens),
                counter(samples, engine.promptTokens), counter(samples, engine.requestsFinished),
                histogram(samples, engine.timeToFirstToken), histogram(samples, engine.interTokenLatency));
        Snapshot before = previous;
        previous = current;
        if (before == null) {
            return Optional.empty();
        }
        return Optional.of(ServingSample.newBuilder().setNodeId(nodeId).setIntervalStartNs(before.atNs())
                .setIntervalEndNs(nowNs)
                .setOutputTokens(Math.round(delta(current.generationTokens(), before.generationTokens())))
                .setPromptTokens(Math.round(delta(current.promptTokens(), before.promptTokens())))
                .setRequestsFinished(Math.round(delta(current.requestsFinished(), before.requestsFinished())))
                .setRunningRequests(counter(samples, engine.runningRequests))
                .setTimeToFirstToken(delta(current.timeToFirstToken(), before.timeToFirstToken()))
                .setInterTokenLatency(delta(current.interTokenLatency(), before.interTokenLatency()))
                .build());
    }

    /** A counter's increase; a counter that went down was reset, and counted up from zero since. */
    private static double delta(double now, double before) {
        return now >= before ? now - before : now;
    }

    private static HistogramDelta delta(Histogram now, Histogram before) {
        if (now == null) {
            return null;
        }
        boolean reset = before == null || !before.bounds().equals(now.bounds()) || now.count() < before.count();
        List<Long> buckets = new ArrayList<>();
        double previousCumulative = 0;
        for (int i = 0; i < now.bounds().size(); i++) {
            double cumulative = now.cumulative().get(i) - (reset ? 0 : before.cumulative().get(i));
            buckets.add(Math.round(cumulative - previousCumulative));
            previousCumulative = cumulative;
        }
        double count = now.count() - (reset ? 0 : before.count());
        buckets.add(Math.round(count - previousCumulative)); // the +Inf bucket
        return HistogramDelta.newBuilder().setUpperBoundsS(now.bounds()).setBucketCounts(buckets)
                .setSumS(now.sum() - (reset ? 0 : before.sum())).setCount(Math.round(count)).build();
    }

    /** The first of the names that is present, summed over its series (0 when none is). */
    private static double counter(List<PrometheusText.Sample> samples, List<String> names) {
        for (String name : names) {
            double sum = 0;
            boolean found = false;
            for (PrometheusText.Sample s : samples) {
                if (s.name().equals(name)) {
                    sum += s.value();
                    found = true;
                }
            }
            if (found) {
                return sum;
            }
        }
        return 0;
    }

    /** A bucket's upper bound, its {@code le} label. */
    private static double bound(PrometheusText.Sample bucket) {
        String le = bucket.labels().get("le");
        if ("+Inf".equals(le)) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(le == null ? "" : le);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bucket.name() + " has no valid le label (" + (le == null ? "none"
                    : "'" + le + "'") + ")", e);
        }
    }

    private static Histogram histogram(List<PrometheusText.Sample> samples, List<String> names) {
        for (String name : names) {
            Map<Double, Double> byBound = new TreeMap<>();
            double count = 0;
            double sum = 0;
            boolean found = false;
            for (PrometheusText.Sample s : samples) {
                if (s.name().equals(name + "_bucket")) {
                    double bound = bound(s);
                    if (!Double.isInfinite(bound)) {
                        byBound.merge(bound, s.value(), Double::sum);
                    }
                    found = true;
                } else if (s.name().equals(name + "_count")) {
                    count += s.value();
                } else if (s.name().equals(name + "_sum")) {
                    sum += s.value();
                }
            }
            if (found) {
                return new Histogram(List.copyOf(byBound.keySet()), List.copyOf(byBound.values()), count, sum);
            }
        }
        return null;
    }
}
