package io.bridgewatch.simulator;

/** A scenario file that cannot be used; the message names the file, line, column and field. */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
