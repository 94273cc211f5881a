package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.QueryException;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A topic as a table, read as a bounded scan: the record's columns and where it was ({@code _partition},
 * {@code _offset}, {@code _index}: the event's place in a node event batch, 0 for a record of its own) and when it was
 * appended ({@code _ts}). A key predicate reads only the key's partition; a lower
 * bound on {@code _ts}, or on the event time (less {@link #EVENT_TIME_SLACK_MS} for producers' clock skew, as a
 * record's append time is never before its event), starts each partition at the offset for that time.
 */
final class TopicTable extends AbstractTable implements FilterableTable {
    /** How far a producer's clock may be behind the clock of the events it sends. */
    static final long EVENT_TIME_SLACK_MS = 5 * 60 * 1000;
    private final SqlTable table;
    private final QueryContext context;

    TopicTable(SqlTable table, QueryContext context) {
        this.table = table;
        this.context = context;
    }

    /** The row type of a topic table: the record's columns, then the metadata columns. */
    static RelDataType rowType(SqlTable table, RelDataTypeFactory types) {
        RelDataTypeFactory.Builder builder = types.builder();
        table.columns().addTo(builder, types);
        builder.add(SqlTable.PARTITION_COLUMN, SqlTypeName.INTEGER);
        builder.add(SqlTable.OFFSET_COLUMN, SqlTypeName.BIGINT);
        builder.add(SqlTable.TIMESTAMP_COLUMN, types.createSqlType(SqlTypeName.TIMESTAMP, 3));
        builder.add(SqlTable.INDEX_COLUMN, SqlTypeName.INTEGER);
        return builder.build();
    }

    /** A row of a topic table: the record's columns, then where and when it was, and its place in its record. */
    static Object[] row(SqlTable table, GenericRecord value, ConsumerRecord<?, ?> record, int index) {
        Object[] row = table.columns().row(value, 4);
        int meta = table.columns().columns().size();
        row[meta] = record.partition();
        row[meta + 1] = record.offset();
        row[meta + 2] = record.timestamp();
        row[meta + 3] = index;
        return row;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        return rowType(table, types);
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters) {
        int keyColumn = table.keyColumn() == null ? -1 : table.columns().indexOf(table.keyColumn());
        int timestampColumn = table.columns().columns().size() + 2;
        ScanBounds appended = ScanBounds.of(filters, keyColumn,
                List.of(new ScanBounds.TimeColumn(timestampColumn, false)), root);
        ScanBounds bounds = appended;
        if (table.timeField() != null) {
            AvroColumns columns = table.columns();
            ScanBounds events = ScanBounds.of(filters, -1, List.of(
                    new ScanBounds.TimeColumn(columns.indexOf(table.timeField()), true),
                    new ScanBounds.TimeColumn(columns.indexOf(AvroColumns.timestampName(table.timeField())), false)),
                    root);
            if (events.empty()) {
                return Linq4j.emptyEnumerable();
            }
            // A record is appended after its event happened: none appended before (event bound - slack) can match.
            long from = events.fromMs() > EVENT_TIME_SLACK_MS ? events.fromMs() - EVENT_TIME_SLACK_MS : 0;
            bounds = new ScanBounds(appended.keys(), Math.max(appended.fromMs(), from), appended.toMs());
        }
        if (context.kafka().isEmpty()) {
            throw QueryException.unavailable("table " + table.sqlName() + " is read from topic " + table.topic()
                    + ", and this query service has no Kafka cluster to read it from");
        }
        if (bounds.empty()) {
            return Linq4j.emptyEnumerable();
        }
        return new BoundedTopicScan(table, context.kafka().get(), context, bounds);
    }
}
