package io.bridgewatch.simulator;

import io.bridgewatch.schema.HistogramDelta;
import io.bridgewatch.schema.ServingSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts what the engine delivers and cuts it into ServingSamples of a fixed interval, the way a scrape of
 * vLLM's /metrics every interval would: output tokens and an inter-token-latency histogram delta.
 */
final class ServingMeter {
    /** vLLM's inter-token latency bucket bounds (seconds). */
    static final List<Double> ITL_BOUNDS_S = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
            0.75, 1.0, 2.5);

    private final String nodeId;
    private final int concurrency;
    private final long intervalNs;
    private final TimedEventBuffer events;
    private long intervalStartNs;
    private long tokens;
    private long lastDeliveryNs = -1;
    private long[] itlCounts = new long[ITL_BOUNDS_S.size() + 1];
    private double itlSumS;
    private long itlCount;

    ServingMeter(String nodeId, int concurrency, long startNs, long intervalNs, TimedEventBuffer events) {
        this.nodeId = nodeId;
        this.concurrency = concurrency;
        this.intervalStartNs = startNs;
        this.intervalNs = intervalNs;
        this.events = events;
    }

    /** One decode step delivered a token to each running sequence at {@code atNs}. */
    void delivered(long atNs, int sequences) {
        closeIntervalsBefore(atNs);
        tokens += sequences;
        if (lastDeliveryNs >= 0) {
            double gapS = (atNs - lastDeliveryNs) / 1e9;
            int bucket = 0;
            while (bucket < ITL_BOUNDS_S.size() && gapS > ITL_BOUNDS_S.get(bucket)) {
                bucket++;
            }
            itlCounts[bucket] += sequences;
            itlSumS += gapS * sequences;
            itlCount += sequences;
        }
        lastDeliveryNs = atNs;
    }

    /** Emits every interval that ends at or before {@code nowNs}, empty ones included (a stalled node shows 0). */
    void closeIntervalsBefore(long nowNs) {
        while (intervalStartNs + intervalNs <= nowNs) {
            long end = intervalStartNs + intervalNs;
            List<Long> counts = new ArrayList<>(itlCounts.length);
            Arrays.stream(itlCounts).forEach(counts::add);
            events.add(end, ServingSample.newBuilder()
                    .setNodeId(nodeId).setIntervalStartNs(intervalStartNs).setIntervalEndNs(end)
                    .setOutputTokens(tokens).setPromptTokens(0).setRequestsFinished(0)
                    .setRunningRequests(concurrency)
                    .setInterTokenLatency(new HistogramDelta(ITL_BOUNDS_S, counts, itlSumS, itlCount))
                    .build());
            intervalStartNs = end;
            tokens = 0;
            itlCounts = new long[ITL_BOUNDS_S.size() + 1];
            itlSumS = 0;
            itlCount = 0;
        }
    }
}
