package io.bridgewatch.simulator;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSource;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/** One simulated node: its engine and device timeline, advanced on demand, events released in time order. */
public final class NodeSimulator {
    static final long SERVING_INTERVAL_NS = 1_000_000_000L;

    private final NodeInfo info;
    private final ServingEngine engine;
    private final TimedEventBuffer events = new TimedEventBuffer();
    private final ServingMeter meter;
    private final GroundTruth truth;

    NodeSimulator(Scenario scenario, int index, long startNs) {
        NodeSpec node = scenario.nodes().get(index);
        NodeDefaults defaults = scenario.defaults();
        int pid = 4000 + index;
        BridgeModel bridge = new BridgeModel(node.confidential(), scenario.bridge());
        SplittableRandom random = new SplittableRandom(scenario.seed() * 1_000_003L + node.id().hashCode());
        this.truth = new GroundTruth(node.id(), bridge);
        this.meter = new ServingMeter(node.id(), node.concurrency(), startNs, SERVING_INTERVAL_NS, events);
        DeviceTimeline device = new DeviceTimeline(node.id(), pid, bridge, random, events, defaults.gpuTracing(),
                node.tollChange(), startNs);
        this.engine = new ServingEngine(node, defaults, device, meter, truth, pid, startNs);
        this.info = nodeInfo(node, defaults, startNs);
    }

    public NodeInfo info() {
        return info;
    }

    public GroundTruth groundTruth() {
        return truth;
    }

    /** Simulates up to {@code untilNs} and hands every event up to then to the sink, in event-time order. */
    public void advanceTo(long untilNs, EventSink sink) {
        while (engine.nowNs() < untilNs) {
            engine.advance();
        }
        meter.closeIntervalsBefore(untilNs);
        events.releaseUntil(untilNs, event -> dispatch(event, sink));
    }

    private static void dispatch(SpecificRecord event, EventSink sink) {
        if (event instanceof Crossing crossing) {
            sink.crossing(crossing);
        } else if (event instanceof KernelExec kernel) {
            sink.kernel(kernel);
        } else if (event instanceof ServingSample sample) {
            sink.serving(sample);
        } else {
            throw new IllegalStateException("unexpected simulated event " + event.getClass());
        }
    }

    private static NodeInfo nodeInfo(NodeSpec node, NodeDefaults defaults, long startNs) {
        boolean cc = node.confidential();
        return NodeInfo.newBuilder()
                .setNodeId(node.id())
                .setHost(node.id() + ".sim")
                .setGpuSku(defaults.gpuSku())
                .setGpuUuids(List.of("GPU-sim-" + Integer.toHexString(node.id().hashCode())))
                .setDriverVersion(node.driverVersion() != null ? node.driverVersion() : defaults.driverVersion())
                .setCudaVersion(defaults.cudaVersion())
                .setCcMode(node.ccMode())
                .setTeeType(cc ? "TDX" : "NONE")
                .setEngine(defaults.engine())
                .setEngineVersion(node.engineVersion() != null ? node.engineVersion() : defaults.engineVersion())
                .setModel(defaults.model())
                .setTensorParallelSize(1)
                .setAsyncScheduling(!node.has(Mitigations.NO_ASYNC_SCHEDULING))
                .setMitigations(node.mitigations())
                .setMaxConcurrency(node.concurrency())
                .setSource(EventSource.SIMULATOR)
                .setStartedAtNs(startNs)
                .setLabels(node.labels())
                .build();
    }
}
