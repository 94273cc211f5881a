package io.bridgewatch.collector.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk spool: order, acknowledgement, recovery after a crash, and what a full spool gives up. */
class DiskSpoolTest {
    private static final long SEGMENT = 4 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldHandOutRecordsInOrderAcrossSegments() {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, SEGMENT)) {
            appendValues(spool, 0, 500);
            List<String> read = values(readAll(spool));
            assertThat(read).hasSize(500);
            assertThat(read.get(0)).isEqualTo("event-0");
            assertThat(read.get(499)).isEqualTo("event-499");
            assertThat(spool.read(10)).as("all read").isEmpty();
            assertThat(spool.pending()).isEqualTo(500);
        }
    }

    @Test
    void shouldResendWhatWasNotAcknowledgedAfterACrash() {
        DiskSpool crashed = new DiskSpool(dir, 1 << 20, SEGMENT);
        appendValues(crashed, 0, 300);
        List<DiskSpool.Entry> sent = readAll(crashed);
        // Kafka acknowledged the first 120 (out of order within the batch), then the process died: no close.
        for (int i = 119; i >= 0; i--) {
            crashed.acknowledge(sent.get(i).sequence());
        }
        crashed.acknowledge(sent.get(200).sequence()); // acknowledged ahead of a gap: still resent
        // close() writes nothing more than a crash leaves (appends and the cursor are written as they happen); it
        // only gives up the folder's lock, which the process's death would.
        crashed.close();

        try (DiskSpool restarted = new DiskSpool(dir, 1 << 20, SEGMENT)) {
            List<String> resent = values(readAll(restarted));
            assertThat(resent).as("all but the 120 acknowledged at the head; 200, acknowledged ahead, is not"
                    + " known after the restart").hasSize(180);
            assertThat(resent.get(0)).isEqualTo("event-120");
            assertThat(resent.get(179)).isEqualTo("event-299");
            appendValues(restarted, 300, 1);
            assertThat(values(restarted.read(10))).containsExactly("event-300");
        }
    }

    @Test
    void shouldCutATornRecordAtTheEndOnRecovery() throws IOException {
        DiskSpool crashed = new DiskSpool(dir, 1 << 20, SEGMENT);
        appendValues(crashed, 0, 10);
        Path last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.filter(f -> f.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        crashed.close(); // as the process's death would (see above)
        // Half a frame: the process died in the middle of a write.
        Files.write(last, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);

        try (DiskSpool restarted = new DiskSpool(dir, 1 << 20, SEGMENT)) {
            appendValues(restarted, 10, 1);
            assertThat(values(readAll(restarted))).hasSize(11).endsWith("event-10");
        }
    }

    @Test
    void shouldDropTheOldestRecordsWhenFullAndCountThem() {
        try (DiskSpool spool = new DiskSpool(dir, 4 * SEGMENT, SEGMENT)) {
            appendValues(spool, 0, 2_000);
            List<String> kept = values(readAll(spool));

            assertThat(spool.bytes()).isLessThanOrEqualTo(4 * SEGMENT);
            assertThat(spool.dropped()).isEqualTo(2_000 - kept.size()).isPositive();
            assertThat(kept.get(kept.size() - 1)).as("the newest are kept").isEqualTo("event-1999");
            assertThat(kept.get(0)).isEqualTo("event-" + spool.dropped());
        }
    }

    @Test
    void shouldDeleteSegmentsOnceAcknowledgedAndRewindToTheCursor() {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, SEGMENT)) {
            appendValues(spool, 0, 1_000);
            List<DiskSpool.Entry> all = readAll(spool);
            all.subList(0, 900).forEach(e -> spool.acknowledge(e.sequence()));
            assertThat(spool.bytes()).as("acknowledged segments deleted").isLessThan(SEGMENT * 3);

            spool.rewind(); // a send failed: everything from the cursor again
            assertThat(values(readAll(spool))).hasSize(100).startsWith("event-900");
            assertThat(spool.pending()).isEqualTo(100);
        }
    }

    private static void appendValues(DiskSpool spool, int from, int count) {
        for (int i = from; i < from + count; i++) {
            spool.append("bridgewatch.crossings.v1", "node-" + (i % 3),
                    ("event-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<DiskSpool.Entry> readAll(DiskSpool spool) {
        List<DiskSpool.Entry> all = new ArrayList<>();
        List<DiskSpool.Entry> batch;
        while (!(batch = spool.read(64)).isEmpty()) {
            all.addAll(batch);
        }
        return all;
    }

    private static List<String> values(List<DiskSpool.Entry> entries) {
        return entries.stream().map(e -> new String(e.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldRefuseASecondCollectorOnTheSameSpool() {
        try (DiskSpool first = new DiskSpool(dir, 1 << 20, SEGMENT)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DiskSpool(dir, 1 << 20, SEGMENT))
                    .hasMessageContaining("in use by another collector");
        }
    }
}
