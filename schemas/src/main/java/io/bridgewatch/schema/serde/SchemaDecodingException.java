package io.bridgewatch.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that cannot be read as the expected Bridgewatch record; the message says what was wrong. */
public final class SchemaDecodingException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public SchemaDecodingException(String message) {
        super(message);
    }

    public SchemaDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
