package io.bridgewatch.simulator;

import io.bridgewatch.collector.Collector;
import io.bridgewatch.collector.CollectorConfig;
import io.bridgewatch.collector.CollectorStats;
import io.bridgewatch.schema.EventSink;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated fleet producing to Kafka through one real {@link Collector} per node, as a fleet of collectors would:
 * what the {@code simulate} command and the demo run.
 */
public final class SimulatedFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);
    private final FleetSimulator fleet;
    private final Map<String, Collector> collectors = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param producer the collectors' settings; each node's client id (and spool folder, when spooling) is derived
     *     from its node id
     */
    public SimulatedFleet(Scenario scenario, long startEpochNs, CollectorConfig producer, Meter meter) {
        this.fleet = new FleetSimulator(scenario, startEpochNs);
        for (NodeSimulator node : fleet.nodes()) {
            String id = node.info().getNodeId();
            collectors.put(id, new Collector(id, producer.forMember(id), meter));
        }
    }

    /**
     * Runs the fleet for the duration (simulated time), or until {@code keepGoing} says stop.
     *
     * @param pipelineLag in {@link FleetSimulator.Pacing#LOCKSTEP}, the streams-app's input lag: each simulated
     *     second waits for it to be small (null: no waiting on the pipeline)
     */
    public void run(Duration duration, FleetSimulator.Pacing pacing, LongSupplier pipelineLag,
            BooleanSupplier keepGoing) throws InterruptedException {
        Map<String, EventSink> sinks = new LinkedHashMap<>();
        collectors.forEach((id, collector) -> sinks.put(id, pacing == FleetSimulator.Pacing.LOCKSTEP
                && pipelineLag != null ? new PipelinePacedSink(collector, pipelineLag, () -> !keepGoing.getAsBoolean())
                : collector));
        fleet.run(duration, pacing, sinks::get, keepGoing);
    }

    public Map<String, GroundTruth> groundTruth() {
        return fleet.groundTruth();
    }

    public int nodeCount() {
        return collectors.size();
    }

    /** Every collector's counts, summed. */
    public CollectorStats stats() {
        long accepted = 0;
        long sent = 0;
        long dropped = 0;
        long failed = 0;
        int queued = 0;
        long unacknowledged = 0;
        for (Collector collector : collectors.values()) {
            CollectorStats s = collector.stats();
            accepted += s.accepted();
            sent += s.sent();
            dropped += s.dropped();
            failed += s.failed();
            queued += s.queueDepth();
            unacknowledged += s.unacknowledged();
        }
        return new CollectorStats(accepted, sent, dropped, failed, queued, unacknowledged);
    }

    /** Hands what every collector still holds to Kafka (each within its close timeout) and closes them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Collector collector : collectors.values()) {
            try {
                collector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("closing a collector: {}", e.getMessage());
            }
        }
    }
}
