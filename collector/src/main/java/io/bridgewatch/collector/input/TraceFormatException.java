package io.bridgewatch.collector.input;

/** A trace file that cannot be read as what it claims to be; the message says where and why. */
public final class TraceFormatException extends RuntimeException {
    public TraceFormatException(String message) {
        super(message);
    }

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
