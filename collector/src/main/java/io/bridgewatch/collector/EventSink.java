package io.bridgewatch.collector;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;

/** Where a source (simulator, native agent, trace import) hands its events. Implementations must not block long. */
public interface EventSink {
    void nodeInfo(NodeInfo info);

    void crossing(Crossing crossing);

    void kernel(KernelExec kernel);

    void serving(ServingSample sample);
}
