package io.bridgewatch.schema.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.NodeEventCodec;
import io.bridgewatch.schema.serde.SchemaDecodingException;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import io.bridgewatch.schema.topics.Topics;
import java.util.List;

/**
 * A record value on an input topic, as the streams-app decodes it (anyone with write access to a topic can put
 * anything there): every serde either returns an event or refuses with {@link SchemaDecodingException}, which
 * sends the record to the dead-letter topic. Another exception, a hang or an allocation the size a corrupt length
 * asks for is a finding.
 */
class InputPayloadFuzzTest {
    private static final List<SingleObjectSerde<?>> SERDES = List.of(BridgewatchSerdes.crossing(),
            BridgewatchSerdes.kernelExec(), BridgewatchSerdes.nodeInfo(), BridgewatchSerdes.of(NodeEventBatch.class),
            BridgewatchSerdes.servingSample());

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void decode(byte[] payload) {
        for (SingleObjectSerde<?> serde : SERDES) {
            try {
                Object event = serde.deserialize(Topics.NODE_EVENTS, payload);
                if (event instanceof NodeEventBatch batch) {
                    NodeEventCodec.events(batch);
                }
            } catch (SchemaDecodingException refused) {
                // dead-lettered with the reason
            }
        }
    }
}
