package io.bridgewatch.collector.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one file a file-reading fuzz target rewrites for each input. */
final class FuzzFiles {
    private FuzzFiles() {
    }

    static Path temporary(String suffix) {
        try {
            Path file = Files.createTempFile("bridgewatch-fuzz-", suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
