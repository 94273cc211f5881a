package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every current schema must read data written with every released version, and the other way round. */
class SchemaCompatibilityTest {

    static Stream<Schema> currentSchemas() {
        return Stream.of(NodeInfo.SCHEMA$, Crossing.SCHEMA$, KernelExec.SCHEMA$, ServingSample.SCHEMA$,
                BridgeCostWindow.SCHEMA$, DeadLetter.SCHEMA$);
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldHaveAFrozenReleasedCopy(Schema current) {
        assertThat(ReleasedSchemas.writerSchemasOf(current.getFullName())).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldReadEveryReleasedVersion(Schema current) {
        for (Schema released : ReleasedSchemas.writerSchemasOf(current.getFullName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
            assertThat(result.getType()).as("backward: current reads released\n%s", result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldBeReadableByEveryReleasedVersion(Schema current) {
        for (Schema released : ReleasedSchemas.writerSchemasOf(current.getFullName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
            assertThat(result.getType()).as("forward: released reads current\n%s", result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldDocumentTheRecordAndEveryField(Schema current) {
        assertThat(current.getDoc()).as(current.getName()).isNotBlank();
        List<String> undocumented = current.getFields().stream()
                .filter(f -> f.doc() == null || f.doc().isBlank()).map(Schema.Field::name).toList();
        assertThat(undocumented).as("fields of %s without doc", current.getName()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldNameTimeFieldsWithTheirUnit(Schema current) {
        List<String> timeFieldsWithoutUnit = current.getFields().stream().map(Schema.Field::name)
                .filter(n -> n.contains("time") || n.endsWith("_at") || n.contains("start") || n.contains("end"))
                .filter(n -> !(n.endsWith("_ns") || n.endsWith("_ms") || n.endsWith("_s")))
                .filter(n -> !n.equals("time_to_first_token")) // a histogram whose bounds carry the unit
                .toList();
        assertThat(timeFieldsWithoutUnit).isEmpty();
    }
}
