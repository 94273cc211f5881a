package io.bridgewatch.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * The direct readers read one schema each: when a schema changes, this fails until its reader is brought in line
 * (until then the serde falls back to Avro's reader, correct but slower).
 */
class DirectReadersTest {

    @Test
    void shouldReadTheCurrentSchemas() {
        assertThat(Long.toHexString(SchemaNormalization.parsingFingerprint64(Crossing.getClassSchema())))
                .isEqualTo(Long.toHexString(CrossingReader.FINGERPRINT));
        assertThat(Long.toHexString(SchemaNormalization.parsingFingerprint64(KernelExec.getClassSchema())))
                .isEqualTo(Long.toHexString(KernelExecReader.FINGERPRINT));
        assertThat(Long.toHexString(SchemaNormalization.parsingFingerprint64(NodeEventBatch.getClassSchema())))
                .isEqualTo(Long.toHexString(NodeEventBatchReader.FINGERPRINT));
    }
}
