package io.bridgewatch.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the topology: lifecycle, the uncaught-exception policy, and a clean close. */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    private final KafkaStreams streams;

    public StreamsApp(StreamsAppConfig config) {
        this(config, new Properties());
    }

    /** @param overrides settings on top of the config's (application server, standbys, client security) */
    public StreamsApp(StreamsAppConfig config, Properties overrides) {
        Properties properties = config.toProperties();
        properties.putAll(overrides);
        this.streams = new KafkaStreams(BridgeTopology.build(config.topology()), properties);
        this.streams.setUncaughtExceptionHandler(new ReplaceThenStop(3, Duration.ofMinutes(5)));
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The running KafkaStreams, for interactive queries. */
    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }

    /**
     * A failing stream thread is replaced (a transient fault heals); if threads keep failing, the client shuts
     * down rather than loop: a bug in processing must be seen, not hidden.
     */
    static final class ReplaceThenStop implements StreamsUncaughtExceptionHandler {
        private final int maxFailures;
        private final Duration period;
        private final Deque<Instant> failures = new ArrayDeque<>();

        ReplaceThenStop(int maxFailures, Duration period) {
            this.maxFailures = maxFailures;
            this.period = period;
        }

        @Override
        public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
            Instant now = Instant.now();
            failures.addLast(now);
            while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(period))) {
                failures.removeFirst();
            }
            if (failures.size() > maxFailures) {
                LOG.error("stream threads failed {} times within {}; shutting down", failures.size(), period,
                        exception);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("stream thread failed; replacing it", exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
    }
}
