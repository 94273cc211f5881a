package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import org.apache.avro.specific.SpecificData;

/**
 * One input of an offline pipeline, taken from its event when the event comes: node facts (a copy), or an event's
 * node, time and single-object encoding. It holds nothing of a record its source may reuse for the next event, so it
 * may be handed to a pipeline on another thread.
 *
 * @param info node facts, or null for an event
 * @param timeNs the event's time: a copy's or kernel's call, a serving sample's interval end
 * @param advancesInput whether the event counts toward the input's latest time (copies and kernels: the end-of-input
 *     watermark follows them)
 */
record PipelineInput(NodeInfo info, String node, byte[] encoded, long timeNs, boolean advancesInput) {
    static PipelineInput of(NodeInfo info) {
        return new PipelineInput(SpecificData.getForClass(NodeInfo.class).deepCopy(NodeInfo.getClassSchema(), info),
                String.valueOf(info.getNodeId()), null, info.getStartedAtNs(), false);
    }

    static PipelineInput of(Crossing crossing, byte[] encoded) {
        return new PipelineInput(null, crossing.getNodeId().toString(), encoded, crossing.getApiStartNs(), true);
    }

    static PipelineInput of(KernelExec kernel, byte[] encoded) {
        return new PipelineInput(null, kernel.getNodeId().toString(), encoded, kernel.getApiStartNs(), true);
    }

    static PipelineInput of(ServingSample sample, byte[] encoded) {
        return new PipelineInput(null, sample.getNodeId().toString(), encoded, sample.getIntervalEndNs(), false);
    }
}
