package io.bridgewatch.config;

/** A service that cannot start, with a one-line reason; the reason's kind decides the exit code. */
public final class StartupException extends RuntimeException {
    /** What went wrong. */
    public enum Reason {
        CONFIG, CLUSTER, PORT
    }

    private final Reason reason;

    public StartupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
