package io.bridgewatch.collector.agent;

/** An agent record stream that cannot be read further: where (byte offset, record number) and why. */
public final class AgentStreamException extends RuntimeException {
    private final long offset;

    public AgentStreamException(long offset, String message) {
        super(message);
        this.offset = offset;
    }

    public AgentStreamException(long offset, String message, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the stream where the bad or missing bytes start; every record before it was valid. */
    public long offset() {
        return offset;
    }
}
