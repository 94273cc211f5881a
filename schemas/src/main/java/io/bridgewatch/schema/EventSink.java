package io.bridgewatch.schema;

import java.util.function.Consumer;

/** Where a source (simulator, native agent, trace import) hands its events. Implementations must not block long. */
public interface EventSink {
    void nodeInfo(NodeInfo info);

    void crossing(Crossing crossing);

    void kernel(KernelExec kernel);

    void serving(ServingSample sample);

    /**
     * Waits until what was handed over so far is delivered (or a timeout passes). Lockstep replays call it every simulated second
     * so that nodes sharing a partition stay within a second of each other in event time (live sources never do).
     */
    default void flush() throws InterruptedException {
    }

    /** A sink that drops everything (for reading a source only to check it, or to time the reading). */
    static EventSink discarding() {
        return crossingsTo(crossing -> {
        });
    }

    /** A sink that hands the crossings on and drops every other event. */
    static EventSink crossingsTo(Consumer<Crossing> crossings) {
        return crossingsAndKernelsTo(crossings, kernel -> {
        });
    }

    /** A sink that hands the crossings and kernels on and drops node facts and serving samples. */
    static EventSink crossingsAndKernelsTo(Consumer<Crossing> crossings, Consumer<KernelExec> kernels) {
        return new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
            }

            @Override
            public void crossing(Crossing crossing) {
                crossings.accept(crossing);
            }

            @Override
            public void kernel(KernelExec kernel) {
                kernels.accept(kernel);
            }

            @Override
            public void serving(ServingSample sample) {
            }
        };
    }
}
