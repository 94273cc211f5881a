package io.bridgewatch.streams;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runtime settings of one streams-app instance. Instances with the same application id share the work: Kafka
 * assigns each a share of the partitions, so scaling out is starting more instances.
 */
public record StreamsAppConfig(String bootstrapServers, String applicationId, Path stateDir, int threads,
        TopologyConfig topology) {
    public static final String DEFAULT_APPLICATION_ID = "bridgewatch-streams";
    static final long INTERNAL_TOPIC_BACKOFF_MS = 20;
    static final int RESTORE_FETCH_WAIT_MS = 50;

    public StreamsAppConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimeExtractor.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // A node's copies and kernels come in one sequence (node event batches), so no input needs to wait for
        // another: Kafka's default. (It was 2 s while they came on two topics, to process them in event-time order
        // whatever the fetch timing; in the topology benchmark the waits cost a quarter of the throughput.)
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L);
        // Kafka Streams 4.3+ sleeps retry.backoff.ms after each internal topic it creates (KAFKA-21033): with the
        // default 100 ms, a new application's 20 internal topics cost 2 s before its first assignment. Its topic
        // manager runs in the main consumer and reads that consumer's setting; Kafka's clients back off
        // exponentially from it (up to retry.backoff.max.ms, 1 s), so their retries start sooner and then slow
        // down as before.
        p.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, INTERNAL_TOPIC_BACKOFF_MS);
        // No JMX reporter (Kafka's default): the app exports its metrics itself (Prometheus, OpenTelemetry), and
        // registering an MBean for each of the thousands of metrics of its tasks and stores took about 0.7 s of
        // every start in the topology benchmark. A config file's kafka.metric.reporters brings it back.
        p.put(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        // The restore consumer's fetches wait up to fetch.max.wait.ms (500 ms) for data that empty or caught-up
        // changelogs never bring, and a task's restoration takes two of them before it runs: a new application's
        // start took a second longer (bench topology: 2.8-3.9 s to RUNNING, 1.9-2.2 s at 20 ms). 50 ms keeps an idle
        // standby's polling to 20 fetches a second.
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_WAIT_MS);
        return p;
    }
}
