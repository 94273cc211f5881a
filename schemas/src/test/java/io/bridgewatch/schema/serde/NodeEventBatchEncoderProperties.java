package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.topics.Topics;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** {@link NodeEventBatchEncoder} gives the batch serde's bytes for the same elements, batch after batch. */
class NodeEventBatchEncoderProperties {
    private static final SingleObjectSerde<NodeEventBatch> BATCHES = BridgewatchSerdes.of(NodeEventBatch.class);

    @Property(tries = 200)
    void encodesWhatTheSerdeEncodesForEveryBatchOfOneEncoder(@ForAll("nodeIds") String nodeId,
            @ForAll("batches") List<List<byte[]>> batches) {
        NodeEventBatchEncoder encoder = new NodeEventBatchEncoder();
        for (List<byte[]> elements : batches) {
            elements.forEach(encoder::add);
            assertThat(encoder.count()).isEqualTo(elements.size());
            byte[] encoded = encoder.finish(nodeId);
            assertThat(encoded).isEqualTo(BATCHES.serialize(Topics.NODE_EVENTS, NodeEventCodec.batch(nodeId, elements)));
            assertThat(encoder.count()).isZero();
        }
    }

    @Property(tries = 50)
    void forgetsTheElementsItWasToldToClear(@ForAll("batches") List<List<byte[]>> batches) {
        NodeEventBatchEncoder encoder = new NodeEventBatchEncoder();
        batches.get(0).forEach(encoder::add);
        encoder.clear();
        List<byte[]> last = batches.get(batches.size() - 1);
        last.forEach(encoder::add);
        assertThat(encoder.finish("cvm-1"))
                .isEqualTo(BATCHES.serialize(Topics.NODE_EVENTS, NodeEventCodec.batch("cvm-1", last)));
    }

    @Provide
    Arbitrary<String> nodeIds() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(80),
                Arbitraries.of("cvm-7", "nœud-été-✓", "x".repeat(300)));
    }

    /** Batches of up to 300 elements, now and then one of 1-2 MiB (a buffer grown past what is kept, then small). */
    @Provide
    Arbitrary<List<List<byte[]>>> batches() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> large = Arbitraries.integers().between(1 << 20, 2 << 20).map(byte[]::new);
        Arbitrary<byte[]> element = Arbitraries.frequencyOf(Tuple.of(200, small), Tuple.of(1, large));
        return element.list().ofMaxSize(300).list().ofMinSize(1).ofMaxSize(5);
    }
}
