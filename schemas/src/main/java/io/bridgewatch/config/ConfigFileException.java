package io.bridgewatch.config;

/** A configuration that cannot be used; the message names the file and line (or variable) and the key. */
public final class ConfigFileException extends RuntimeException {
    public ConfigFileException(String message) {
        super(message);
    }
}
