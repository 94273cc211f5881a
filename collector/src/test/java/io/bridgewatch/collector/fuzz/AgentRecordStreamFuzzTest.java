package io.bridgewatch.collector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.collector.agent.AgentEventAssembler;
import io.bridgewatch.collector.agent.AgentRecordReader;
import io.bridgewatch.collector.agent.AgentStreamException;
import io.bridgewatch.schema.EventSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The agent's record stream as the collector reads it from a local socket: whatever bytes arrive, the reader
 * either hands over records or stops with {@link AgentStreamException}, and the assembler takes whatever records
 * it is given. Anything else (another exception, a hang, unbounded memory) is a finding.
 */
class AgentRecordStreamFuzzTest {
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void readAndAssemble(byte[] stream) throws IOException {
        AgentEventAssembler assembler = new AgentEventAssembler("fuzz", EventSink.discarding());
        try {
            new AgentRecordReader(new ByteArrayInputStream(stream)).readAll(assembler::accept);
        } catch (AgentStreamException refused) {
            // a damaged stream: what came before it was handed over
        }
        assembler.finish();
    }
}
