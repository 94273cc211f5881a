package io.bridgewatch.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bridgewatch.schema.serde.BridgewatchSerdes;
import io.bridgewatch.schema.serde.SingleObjectSerde;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The wire form of {@link PartitionRows} between instances: the freshness as JSON, each row as its Avro
 * single-object encoding (base64), so that the asking instance gets back exactly the records the other holds.
 */
public final class RowsJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RowsJson() {
    }

    public static ObjectNode of(PartitionRows answer) {
        @SuppressWarnings("unchecked")
        SingleObjectSerde<SpecificRecord> serde = (SingleObjectSerde<SpecificRecord>) BridgewatchSerdes.of(
                answer.source().recordClass());
        ObjectNode node = JSON.objectNode();
        node.put("source", answer.source().label());
        node.set("freshness", AnswerJson.freshness(answer.freshness(), answer.fallbackReason()));
        ArrayNode rows = node.putArray("rows");
        Base64.Encoder base64 = Base64.getEncoder();
        answer.rows().forEach(r -> rows.add(base64.encodeToString(serde.serializer().serialize(null, r))));
        return node;
    }

    /** @throws IllegalArgumentException when the answer is not of this form */
    public static PartitionRows parse(JsonNode node, RowSource source) {
        SingleObjectSerde<? extends SpecificRecord> serde = BridgewatchSerdes.of(source.recordClass());
        List<SpecificRecord> rows = new ArrayList<>();
        Base64.Decoder base64 = Base64.getDecoder();
        for (JsonNode row : node.path("rows")) {
            rows.add(serde.deserializer().deserialize(null, base64.decode(row.asText())));
        }
        JsonNode fresh = node.path("freshness");
        if (!fresh.isObject()) {
            throw new IllegalArgumentException("answer without freshness");
        }
        WindowsAnswer.Freshness freshness = new WindowsAnswer.Freshness(fresh.path("partition").asInt(),
                fresh.path("instance").asText(), WindowsAnswer.Role.valueOf(fresh.path("role").asText()),
                fresh.path("offset_lag").asLong());
        String fallback = fresh.hasNonNull("fallback_reason") ? fresh.get("fallback_reason").asText() : null;
        return new PartitionRows(source, rows, freshness, fallback);
    }
}
