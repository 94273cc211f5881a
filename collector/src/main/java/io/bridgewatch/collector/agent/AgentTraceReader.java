package io.bridgewatch.collector.agent;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.collector.input.TraceFormatException;
import io.bridgewatch.collector.input.TraceInput;
import io.bridgewatch.collector.input.TraceProgress;
import io.bridgewatch.collector.input.TraceReader;
import io.bridgewatch.collector.input.TraceSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Replays a record file the native agent wrote (plain or gzipped) as one node's events. A damaged stream (the
 * process was killed mid-write, a bit flipped) does not throw: everything valid before the damage is emitted, and
 * the summary says where and why reading stopped.
 */
public final class AgentTraceReader implements TraceReader {
    private static final int PROGRESS_EVERY = 8192;
    private final String nodeId;

    public AgentTraceReader(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public TraceSummary read(Path file, EventSink sink, TraceProgress progress) {
        AgentEventAssembler assembler = new AgentEventAssembler(nodeId, sink);
        String damage = null;
        try (TraceInput input = TraceInput.open(file)) {
            long[] seen = {0};
            new AgentRecordReader(input.stream()).readAll(record -> {
                assembler.accept(record);
                if (++seen[0] % PROGRESS_EVERY == 0) {
                    progress.update(input.bytesRead(), assembler.crossings() + assembler.kernels()
                            + assembler.memsets());
                }
            });
        } catch (AgentStreamException e) {
            if (e.offset() == 0) {
                throw new TraceFormatException(file + ": " + e.getMessage(), e);
            }
            damage = e.getMessage();
        } catch (IOException e) {
            damage = "cannot read further (" + e.getMessage() + ")";
        }
        assembler.finish();
        progress.update(file.toFile().length(), assembler.crossings() + assembler.kernels() + assembler.memsets());
        return new TraceSummary(assembler.crossings(), assembler.kernels(), assembler.memsets(),
                assembler.activitiesWithoutCall(), assembler.callsWithoutActivity(), 0, assembler.facts(),
                damage == null ? null : file + ": " + damage, Map.of(), assembler.activitiesWithoutCallByReason());
    }
}
