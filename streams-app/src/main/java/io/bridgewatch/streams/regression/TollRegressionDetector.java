package io.bridgewatch.streams.regression;

import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.CcMode;
import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import io.bridgewatch.streams.StoreNames;
import io.bridgewatch.streams.internal.TollBaselineState;
import io.bridgewatch.streams.internal.TollObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * In-stream regression detection (DESIGN 4.7): each cohort (per cc mode, direction and host memory) keeps a rolling
 * baseline of its nodes' tolls, an exponentially decayed mean with the configured half-life in event time. A node
 * window whose toll exceeds the baseline (as it was before that window) by the threshold ratio fires an alert for
 * the node; a later window back under it resolves it. Nothing is judged before the baseline has enough windows.
 */
public final class TollRegressionDetector implements FixedKeyProcessor<String, TollObservation, BridgeAlert> {
    static final int MIN_SAMPLES = 6;
    private final double threshold;
    private final double halfLifeNs;
    private FixedKeyProcessorContext<String, BridgeAlert> context;
    private KeyValueStore<String, TollBaselineState> baselines;

    public TollRegressionDetector(double threshold, Duration halfLife) {
        this.threshold = threshold;
        this.halfLifeNs = halfLife.toNanos();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, BridgeAlert> context) {
        this.context = context;
        this.baselines = context.getStateStore(StoreNames.TOLL_BASELINES);
    }

    @Override
    public void process(FixedKeyRecord<String, TollObservation> record) {
        TollObservation o = record.value();
        TollBaselineState state = baselines.get(record.key());
        if (state == null) {
            state = new TollBaselineState(0.0, 0.0, 0L, o.getWindowEndNs(), new ArrayList<>());
        }
        if (state.getSamples() >= MIN_SAMPLES) {
            judge(record, o, state);
        }
        decayTo(state, o.getWindowEndNs());
        state.setWeightedSumS(state.getWeightedSumS() + o.getTollS());
        state.setWeight(state.getWeight() + 1);
        state.setSamples(state.getSamples() + 1);
        baselines.put(record.key(), state);
    }

    private void judge(FixedKeyRecord<String, TollObservation> record, TollObservation o, TollBaselineState state) {
        double baseline = state.getWeightedSumS() / state.getWeight();
        double ratio = o.getTollS() / baseline;
        boolean firing = state.getFiringNodes().contains(o.getNodeId());
        if (ratio > threshold && !firing) {
            List<String> nodes = new ArrayList<>(state.getFiringNodes());
            nodes.add(o.getNodeId());
            state.setFiringNodes(nodes);
            context.forward(record.withValue(alert(o, "FIRING", baseline, ratio, String.format(
                    "toll of %s %s %s is %.1f us, %.2fx its cohort's rolling baseline of %.1f us (threshold %.2fx)",
                    o.getNodeId(), o.getDirection(), o.getHostMemory(), o.getTollS() * 1e6, ratio, baseline * 1e6,
                    threshold))));
        } else if (ratio <= threshold && firing) {
            state.setFiringNodes(new ArrayList<>(state.getFiringNodes().stream()
                    .filter(n -> !n.equals(o.getNodeId())).toList()));
            context.forward(record.withValue(alert(o, "RESOLVED", baseline, ratio, String.format(
                    "toll of %s %s %s is back to %.1f us, %.2fx its cohort's rolling baseline", o.getNodeId(),
                    o.getDirection(), o.getHostMemory(), o.getTollS() * 1e6, ratio))));
        }
    }

    private void decayTo(TollBaselineState state, long windowEndNs) {
        long elapsed = windowEndNs - state.getLastWindowEndNs();
        if (elapsed > 0) {
            double factor = Math.pow(0.5, elapsed / halfLifeNs);
            state.setWeightedSumS(state.getWeightedSumS() * factor);
            state.setWeight(state.getWeight() * factor);
            state.setLastWindowEndNs(windowEndNs);
        }
    }

    private BridgeAlert alert(TollObservation o, String status, double baseline, double ratio, String description) {
        return BridgeAlert.newBuilder().setNodeId(o.getNodeId()).setCohort(o.getCohort())
                .setCcMode(CcMode.valueOf(o.getCcMode())).setKind("TOLL_REGRESSION").setStatus(status)
                .setDirection(Direction.valueOf(o.getDirection())).setHostMemory(HostMemoryKind.valueOf(o.getHostMemory()))
                .setWindowStartNs(o.getWindowStartNs()).setWindowEndNs(o.getWindowEndNs()).setValueS(o.getTollS())
                .setBaselineS(baseline).setRatio(ratio).setThreshold(threshold).setDescription(description).build();
    }
}
