package io.bridgewatch.collector;

import io.bridgewatch.collector.spool.DiskSpool;
import io.bridgewatch.collector.spool.SpoolOutbox;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.topics.Topics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector agent of one node: takes events from a source and produces them to Kafka, keyed by node id.
 *
 * <p>The source never waits: events go into a bounded queue, and when it is full the event is dropped and counted
 * (a telemetry agent must not slow the CUDA application it watches). A sender thread hands queued events to an
 * idempotent producer ({@code acks=all}, compressed batches), which retries through broker hiccups in order; with
 * a spool configured, to a bounded on-disk queue first, drained to Kafka in order, so that an outage of the cluster
 * (or a restart of the collector) loses nothing until the spool is full. With batching (the default) the node's
 * events travel many to a record on the node events topic, in the order taken, so that the pipeline meets its
 * copies, kernels and serving samples in host order; without it, one record per event on the per-event topics.
 * NodeInfo goes to the compacted nodes topic at start, ahead of any event.
 */
public final class Collector implements EventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("node_id");
    /** With a spool, how long {@code send} may wait for a partition's metadata before the shipper tries again. */
    static final Duration SPOOLED_MAX_BLOCK = Duration.ofSeconds(10);

    private final CollectorConfig config;
    private final String nodeId;
    private final Outbox outbox;
    private final DeliveryCounters counters;
    private final BlockingQueue<ProducerRecord<String, SpecificRecord>> queue;
    private final Queue<ProducerRecord<String, SpecificRecord>> nodeFacts = new ConcurrentLinkedQueue<>();
    private final Thread sender;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final List<AutoCloseable> observers;
    private final Attributes attributes;
    private volatile boolean running = true;

    public Collector(String nodeId, CollectorConfig config, Meter meter) {
        this.nodeId = nodeId;
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.attributes = Attributes.of(NODE, nodeId);
        DoubleHistogram sendLatency = meter.histogramBuilder("bridgewatch_collector_send_latency")
                .setDescription("Time from handing an event to the producer to the broker's acknowledgement.")
                .setUnit("s").build();
        this.counters = new DeliveryCounters(sendLatency, attributes);
        this.outbox = config.spool().isPresent() ? spooled(config, config.spool().get(), counters)
                : new ProducerOutbox(new KafkaProducer<>(producerProperties(config), new StringSerializer(),
                        new ByteArraySerializer()), counters, config.batching());
        ObservableLongCounter sentCounter = meter.counterBuilder("bridgewatch_collector_events_sent")
                .setDescription("Events acknowledged by Kafka.").setUnit("{event}")
                .buildWithCallback(m -> m.record(counters.sent(), attributes));
        ObservableLongCounter droppedCounter = meter.counterBuilder("bridgewatch_collector_events_dropped")
                .setDescription("Events dropped: the in-memory queue was full, or the spool was and gave up its"
                        + " oldest.").setUnit("{event}")
                .buildWithCallback(m -> m.record(dropped.get() + outbox.dropped(), attributes));
        ObservableLongCounter failedCounter = meter.counterBuilder("bridgewatch_collector_events_failed")
                .setDescription("Events Kafka refused after all retries.").setUnit("{event}")
                .buildWithCallback(m -> m.record(counters.failed(), attributes));
        ObservableLongGauge depth = meter.gaugeBuilder("bridgewatch_collector_queue_depth").ofLongs()
                .setDescription("Events waiting in the collector's queue.").setUnit("{event}")
                .buildWithCallback(m -> m.record(queue.size(), attributes));
        ObservableLongGauge pending = meter.gaugeBuilder("bridgewatch_collector_unacknowledged").ofLongs()
                .setDescription("Events handed on (to the spool or the producer) that Kafka has not yet"
                        + " acknowledged.").setUnit("{event}")
                .buildWithCallback(m -> m.record(outbox.pending(), attributes));
        this.observers = List.of(sentCounter, droppedCounter, failedCounter, depth, pending);
        this.sender = new Thread(this::sendLoop, "collector-sender-" + nodeId);
        this.sender.setDaemon(true);
        this.sender.start();
    }

    private static Outbox spooled(CollectorConfig config, CollectorConfig.Spool spool, DeliveryCounters counters) {
        Map<String, Object> props = producerProperties(config);
        // One producer through any outage: its batches never expire, so it retries them with the same producer id
        // and sequence numbers, and the broker writes each once and in order (a fresh producer resending from the
        // cursor could write twice what the old one had written unacknowledged). The spool holds what comes meanwhile.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SPOOLED_MAX_BLOCK.toMillis());
        props.putAll(config.producerOverrides());
        return new SpoolOutbox(new DiskSpool(spool.dir(), spool.maxBytes(), spool.segmentBytes()),
                () -> new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), counters,
                spool.maxInFlight(), config.batching(), config.clientId());
    }

    public static Map<String, Object> producerProperties(CollectorConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One request in flight per broker: when the first batches of a fresh producer meet a partition whose
        // leader is still moving in (NOT_LEADER_OR_FOLLOWER), later batches can reach the broker before the first is
        // retried, and Kafka 4 brokers then refuse them as out of sequence until the delivery timeout. A node's event
        // rate needs no pipelining: batches of up to 128 KiB every 20 ms.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        // Ride out a broker restart: keep retrying (in order, idempotently) for up to ten minutes.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        props.putAll(config.producerOverrides());
        return props;
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        // Node facts are rare and must never be dropped: they wait in their own unbounded queue, sent first.
        accepted.incrementAndGet();
        nodeFacts.add(new ProducerRecord<>(Topics.NODES, info.getNodeId(), info));
    }

    @Override
    public void crossing(Crossing crossing) {
        offer(Topics.CROSSINGS, crossing);
    }

    @Override
    public void kernel(KernelExec kernel) {
        offer(Topics.KERNELS, kernel);
    }

    @Override
    public void serving(ServingSample sample) {
        offer(Topics.SERVING, sample);
    }

    public CollectorStats stats() {
        return new CollectorStats(accepted.get(), counters.sent(), dropped.get() + outbox.dropped(),
                counters.failed(), queue.size() + nodeFacts.size(), outbox.pending());
    }

    /**
     * Blocks until everything accepted so far has been acknowledged or has failed, or the close timeout passed (then
     * it says so and returns: the producer keeps retrying in the background).
     */
    @Override
    public void flush() throws InterruptedException {
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        long target = accepted.get();
        while (counters.sent() + counters.failed() + outbox.dropped() < target && sender.isAlive()) {
            if (System.nanoTime() > deadline) {
                LOG.warn("collector {}: {} events still unacknowledged after {}; going on", nodeId,
                        target - counters.sent() - counters.failed() - outbox.dropped(), config.closeTimeout());
                return;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    private void offer(String topic, SpecificRecord event) {
        if (queue.offer(new ProducerRecord<>(topic, nodeId, event))) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    private void sendLoop() {
        long waitMs = config.batching().map(b -> Math.max(1, Math.min(100, b.linger().toMillis()))).orElse(100L);
        while (running || !queue.isEmpty() || !nodeFacts.isEmpty()) {
            try {
                ProducerRecord<String, SpecificRecord> record = nodeFacts.poll();
                if (record == null) {
                    record = queue.poll(waitMs, TimeUnit.MILLISECONDS);
                }
                if (record != null) {
                    outbox.put(record);
                }
                outbox.sendDueBatch();
            } catch (InterruptedException | InterruptException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                counters.failed(1);
                LOG.error("collector {}: cannot hand an event on: {}", nodeId, e.getMessage());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sender.join(config.closeTimeout().toMillis());
        if (sender.isAlive()) {
            // Kafka stayed out of reach for the whole close timeout: what is still queued cannot be handed over.
            sender.interrupt();
            sender.join(config.closeTimeout().toMillis());
            int abandoned = queue.size() + nodeFacts.size();
            counters.failed(abandoned);
            LOG.error("collector {}: Kafka unreachable at close, {} queued events not sent", nodeId, abandoned);
        }
        outbox.close(config.closeTimeout());
        for (AutoCloseable observer : observers) {
            try {
                observer.close();
            } catch (Exception e) {
                LOG.debug("closing a metric callback failed", e);
            }
        }
        CollectorStats stats = stats();
        if (stats.dropped() > 0 || stats.failed() > 0) {
            LOG.warn("collector {} closed: {} sent, {} dropped, {} failed", nodeId, stats.sent(), stats.dropped(),
                    stats.failed());
        }
    }
}
