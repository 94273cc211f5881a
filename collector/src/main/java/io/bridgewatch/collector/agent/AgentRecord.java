package io.bridgewatch.collector.agent;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.util.List;
import java.util.Map;

/** One record of the agent's stream ({@code collector/native/include/bw_record.h}). */
public sealed interface AgentRecord {

    /**
     * An API call timed on the host ({@code gpu} false), or a CUPTI activity with GPU times ({@code gpu} true, its
     * correlation being CUPTI's). Times are CLOCK_REALTIME nanoseconds.
     */
    record Event(boolean gpu, AgentApi api, Direction direction, HostMemoryKind memory, int status, int pid, long tid,
            int device, boolean async, long context, long stream, long correlation, long bytes, long startNs,
            long endNs, List<Integer> grid, List<Integer> block, String name) implements AgentRecord {
    }

    /** Facts the agent states ("key=value" lines): node facts, agent mode, CUPTI state. */
    record Info(Map<String, String> facts) implements AgentRecord {
    }

    /** Records the agent dropped so far because a ring was full (a running total). */
    record Drops(long dropped, long atNs) implements AgentRecord {
    }

    /** CUPTI's correlation id of an activity, and the agent's correlation id of the API call that caused it. */
    record ExternalCorrelation(long cuptiCorrelation, long agentCorrelation) implements AgentRecord {
    }

    /** A record of a kind this collector does not know (a newer agent); its checksum was valid, so it is skipped. */
    record Unknown(int kind, int length) implements AgentRecord {
    }
}
