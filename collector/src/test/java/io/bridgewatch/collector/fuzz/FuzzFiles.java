package io.bridgewatch.collector.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one file a file-reading fuzz target rewrites for each input. */
final class FuzzFiles {
    private FuzzFiles() {
    }

    /** Rewritten once per input, a million times: on a RAM file system where there is one (twice as fast here). */
    private static final Path RAM = Path.of("/dev/shm");

    static Path temporary(String suffix) {
        try {
            Path file = Files.isDirectory(RAM) && Files.isWritable(RAM)
                    ? Files.createTempFile(RAM, "bridgewatch-fuzz-", suffix)
                    : Files.createTempFile("bridgewatch-fuzz-", suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
