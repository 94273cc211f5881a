package io.bridgewatch.schema.serde;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;

/**
 * A direct reader of one record type's current schema, the one of its fingerprint ({@link CrossingReader},
 * {@link KernelExecReader}, {@link NodeEventBatchReader}): there is no other schema to set.
 */
abstract class CurrentSchemaReader<T> implements DatumReader<T> {
    @Override
    public final void setSchema(Schema schema) {
        // Reads the schema of its fingerprint only; the serde resolves any other through Avro.
    }
}
