package io.bridgewatch.streams.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/** The JSON forms of SQL answers, push-query lines and the table list. */
public final class SqlJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SqlJson() {
    }

    /** A pull answer: columns, rows, and where they came from. */
    public static ObjectNode answer(SqlAnswer answer) {
        ObjectNode node = JSON.objectNode();
        node.set("columns", columns(answer.columns()));
        ArrayNode rows = node.putArray("rows");
        answer.rows().forEach(r -> rows.add(row(r)));
        node.put("row_count", answer.rows().size());
        node.put("scanned_records", answer.scannedRecords());
        node.put("elapsed_ms", answer.elapsedMs());
        ArrayNode freshness = node.putArray("freshness");
        answer.freshness().forEach(f -> {
            ObjectNode source = freshness.addObject();
            source.put("table", f.table());
            source.put("partition", f.partition());
            source.put("served_by", f.servedBy());
            source.put("role", f.role());
            source.put("offset_lag", f.offsetLag());
            if (f.note() != null) {
                source.put("note", f.note());
            }
        });
        ArrayNode warnings = node.putArray("warnings");
        answer.warnings().forEach(warnings::add);
        return node;
    }

    public static ArrayNode columns(List<SqlAnswer.Column> columns) {
        ArrayNode array = JSON.arrayNode();
        columns.forEach(c -> array.addObject().put("name", c.name()).put("type", c.type()));
        return array;
    }

    public static JsonNode row(List<Object> values) {
        return MAPPER.valueToTree(values);
    }

    /** Every table with its columns and SQL types, what it is keyed by, and whether push queries follow it. */
    public static ObjectNode tables() {
        JavaTypeFactoryImpl types = new JavaTypeFactoryImpl();
        ObjectNode node = JSON.objectNode();
        ArrayNode tables = node.putArray("tables");
        for (SqlTable table : SqlTable.values()) {
            ObjectNode entry = tables.addObject();
            entry.put("name", table.sqlName());
            entry.put("description", table.description());
            entry.put("source", table.scansTopic() ? "topic " + table.topic() + " (bounded scan)"
                    : "result stores of every instance");
            entry.put("key", table.keyColumn());
            String time = table.timeField() == null ? null : AvroColumns.timestampName(table.timeField());
            entry.put("time", table.scansTopic() ? SqlTable.TIMESTAMP_COLUMN + (time == null ? "" : ", " + time)
                    : time);
            entry.put("push", table.pushable());
            addColumns(entry, BatchTable.rowType(table, types));
        }
        ObjectNode async = tables.addObject();
        async.put("name", CalciteConnections.ASYNC_VIEW);
        async.put("description", CalciteConnections.ASYNC_VIEW_DESCRIPTION);
        async.put("source", "view: " + CalciteConnections.ASYNC_VIEW_SQL.replace("\"", ""));
        async.put("key", "node_id");
        async.put("time", "window_start");
        async.put("push", false);
        RelDataType cost = BatchTable.rowType(SqlTable.COST, types);
        ArrayNode columns = async.putArray("columns");
        for (String name : List.of("node_id", "gpu_index", "direction", "host_memory", "form", "window_start",
                "window_end", "async_calls", "async_blocked", "async_blocked_fraction", "async_host_blocked_mean_s")) {
            column(columns, cost.getField(name, true, false));
        }
        return node;
    }

    private static void addColumns(ObjectNode entry, RelDataType rowType) {
        ArrayNode columns = entry.putArray("columns");
        rowType.getFieldList().forEach(f -> column(columns, f));
    }

    private static void column(ArrayNode columns, RelDataTypeField field) {
        columns.addObject().put("name", field.getName()).put("type", field.getType().toString())
                .put("nullable", field.getType().isNullable());
    }
}
