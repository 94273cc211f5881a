package io.bridgewatch.streams.sql;

import io.bridgewatch.schema.BridgeAlert;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.topics.Topics;
import io.bridgewatch.streams.query.RowSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The tables SQL sees: the result views and node facts (read from the instances' stores, across instances), and
 * the topics (read as bounded scans). Each names the column its rows are keyed and partitioned by, and its time:
 * for a store, the window (or occurrence) start it is ordered by; for a topic, the event time, whose lower bound
 * tells where in the topic a scan may start.
 */
public enum SqlTable {
    COST("Closed crossing-cost windows per node, GPU, direction, host memory and form (toll, bandwidth, cost"
            + " quantiles, async blocking)", RowSource.COST, null, "node_id", "window_start_ns", Topics.BRIDGE_COST),
    CONCURRENCY("Closed concurrency windows per node, GPU and context (copy concurrency index, overlaps)",
            RowSource.CONCURRENCY, null, "node_id", "window_start_ns", Topics.CONCURRENCY),
    PHASES("Finished phase occurrences per node and GPU (duration, crossings, predicted duration)", RowSource.PHASES,
            null, "node_id", "start_ns", Topics.PHASES),
    COMPARISONS("Closed cohort windows per variant: throughput gap, recovered fraction, slowdowns, concurrency loss",
            RowSource.COMPARISONS, null, "cohort", "window_start_ns", Topics.MITIGATION),
    COMPUTE_PARITY("Closed cohort windows per kernel: duration against the reference (compute parity)",
            RowSource.COMPUTE_PARITY, null, "cohort", "window_start_ns", Topics.COMPUTE_PARITY),
    NODES("The latest node facts of every node (GPU SKU, driver, CUDA, CC mode, engine, mitigations)",
            RowSource.NODE_FACTS, null, "node_id", null, Topics.NODES),
    ALERTS("Toll regression alerts as raised and resolved (a bounded scan of the alerts topic)", null,
            BridgeAlert.class, "node_id", "window_start_ns", Topics.ALERTS),
    CROSSINGS("Raw host-device copies as the collectors sent them (a bounded scan)", null, Crossing.class, "node_id",
            "api_start_ns", Topics.CROSSINGS),
    KERNELS("Raw kernel executions as the collectors sent them (a bounded scan)", null, KernelExec.class, "node_id",
            "api_start_ns", Topics.KERNELS),
    SERVING("Raw serving-engine samples as the collectors sent them (a bounded scan)", null, ServingSample.class,
            "node_id", "interval_start_ns", Topics.SERVING),
    DEAD_LETTERS("Records the pipeline could not use, with the reason (a bounded scan of the dead-letter topic)",
            null, DeadLetter.class, null, null, Topics.DLQ);

    /** The extra columns of topic tables: where each record was and when it was appended. */
    public static final String PARTITION_COLUMN = "_partition";
    public static final String OFFSET_COLUMN = "_offset";
    public static final String TIMESTAMP_COLUMN = "_ts";
    public static final String INDEX_COLUMN = "_index";

    private final String description;
    private final RowSource store;
    private final Class<? extends SpecificRecord> topicRecord;
    private final String keyColumn;
    private final String timeField;
    private final String topic;
    private final AvroColumns columns;

    SqlTable(String description, RowSource store, Class<? extends SpecificRecord> topicRecord, String keyColumn,
            String timeField, String topic) {
        this.description = description;
        this.store = store;
        this.topicRecord = topicRecord;
        this.keyColumn = keyColumn;
        this.timeField = timeField;
        this.topic = topic;
        this.columns = AvroColumns.of(SpecificData.get().getSchema(store != null ? store.recordClass()
                : topicRecord));
    }

    /** The table's name in SQL. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    /** The store source when the table is read from the instances' stores; empty for a topic scan. */
    public Optional<RowSource> store() {
        return Optional.ofNullable(store);
    }

    /** The record class of the table's topic. */
    public Class<? extends SpecificRecord> recordClass() {
        return store != null ? store.recordClass() : topicRecord;
    }

    /** The topic the table's rows are (or come from, for push queries). */
    public String topic() {
        return topic;
    }

    /**
     * Every topic a scan reads: raw copies and kernels come as records of their own topic (older collectors) and
     * inside node event batches.
     */
    public List<String> scannedTopics() {
        return this == CROSSINGS || this == KERNELS ? List.of(topic, Topics.NODE_EVENTS) : List.of(topic);
    }

    /** The column the rows are keyed (and partitioned) by, or null. */
    public String keyColumn() {
        return keyColumn;
    }

    /** The {@code *_ns} field of the store's order (window start) or of a topic's event time, or null. */
    public String timeField() {
        return timeField;
    }

    /** The columns of the record; topic tables add {@code _partition}, {@code _offset}, {@code _ts}, {@code _index}. */
    public AvroColumns columns() {
        return columns;
    }

    /** Whether rows are read by scanning the topic (with the metadata columns). */
    public boolean scansTopic() {
        return store == null;
    }

    /** Whether push queries can follow it: results appended to a topic as windows close. */
    public boolean pushable() {
        return this != NODES && (store != null || this == ALERTS);
    }

    public static Optional<SqlTable> ofSqlName(String name) {
        return Arrays.stream(values()).filter(t -> t.sqlName().equalsIgnoreCase(name)).findFirst();
    }
}
