package io.bridgewatch.launcher.trace;

import io.bridgewatch.collector.input.TraceProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long trace reads: share of the file read, MB/s, events and events/s. Redrawn at most
 * four times a second, on its own line (carriage return), so the report on stdout stays clean.
 */
final class ProgressBar implements TraceProgress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream out;
    private final String label;
    private final long totalBytes;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private boolean drawn;

    ProgressBar(PrintStream out, String label, long totalBytes) {
        this.out = out;
        this.label = label;
        this.totalBytes = Math.max(1, totalBytes);
    }

    @Override
    public void update(long bytesRead, long events) {
        long now = System.nanoTime();
        if (now - lastDrawNanos < REDRAW_NANOS && bytesRead < totalBytes) {
            return;
        }
        lastDrawNanos = now;
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double share = Math.min(1, bytesRead / (double) totalBytes);
        int filled = (int) Math.round(share * WIDTH);
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %,.0f/%,.0f MB %5.1f MB/s %,d events %,.0f events/s",
                label, "#".repeat(filled), " ".repeat(WIDTH - filled), 100 * share, bytesRead / 1e6,
                totalBytes / 1e6, bytesRead / 1e6 / seconds, events, events / seconds));
        out.flush();
        drawn = true;
    }

    /** Ends the bar's line (if one was drawn). */
    void done() {
        if (drawn) {
            out.println();
        }
    }
}
