package io.bridgewatch.streams.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** A shared secret an HTTP client shows as {@code Authorization: Bearer <token>} (queries, metrics scrapes). */
public final class BearerToken {
    private static final String SCHEME = "Bearer ";
    private static final int MIN_LENGTH = 16;

    private final byte[] token;

    private BearerToken(String token) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a bearer token must have at least " + MIN_LENGTH + " characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public static BearerToken of(String token) {
        return new BearerToken(token);
    }

    /** The token from a file (its first line, trimmed), so that it stays out of config files and process lists. */
    public static BearerToken fromFile(Path file) {
        try {
            return new BearerToken(Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("")
                    .trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Whether an Authorization header shows this token (compared in constant time). */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.startsWith(SCHEME)) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8),
                token);
    }

    /** The Authorization header's value that shows it. */
    public String header() {
        return SCHEME + new String(token, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
