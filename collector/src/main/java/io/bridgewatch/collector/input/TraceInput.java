package io.bridgewatch.collector.input;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** A trace file opened for streaming: decompressed when gzipped (told by its magic bytes), bytes read counted. */
public final class TraceInput implements AutoCloseable {
    private final CountingInputStream raw;
    private final InputStream stream;

    private TraceInput(CountingInputStream raw, InputStream stream) {
        this.raw = raw;
        this.stream = stream;
    }

    public static TraceInput open(Path file) throws IOException {
        CountingInputStream raw = new CountingInputStream(Files.newInputStream(file));
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int first = in.read();
            int second = in.read();
            in.reset();
            boolean gzip = first == 0x1f && second == 0x8b;
            return new TraceInput(raw, gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16)
                    : in);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** The (decompressed) content. */
    public InputStream stream() {
        return stream;
    }

    /** Bytes of the file read so far (compressed bytes for a gzipped file). */
    public long bytesRead() {
        return raw.count();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
