package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.QueryException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Pull queries in SQL (Apache Calcite) over the result stores and the topics. Each query gets its own connection
 * whose tables read through one {@link QueryContext}, so limits, deadline and freshness are the query's own.
 * Read-only by construction: the tables can only be scanned.
 */
public final class SqlEngine implements AutoCloseable {
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    private final ResultPartitions results;
    private final Optional<Map<String, Object>> kafka;
    private final SqlLimits limits;
    private final ExecutorService workers;

    /**
     * @param results where the result stores are read
     * @param kafka the consumer settings (bootstrap servers, security) topic tables are scanned with; empty where
     *     there is no cluster (topic tables then answer 503)
     */
    public SqlEngine(ResultPartitions results, Optional<Map<String, Object>> kafka, SqlLimits limits) {
        this.results = results;
        this.kafka = kafka.map(Map::copyOf);
        this.limits = limits;
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sql-query");
            t.setDaemon(true);
            return t;
        });
    }

    public SqlLimits limits() {
        return limits;
    }

    /**
     * Runs a pull query.
     *
     * @throws QueryException 400 for syntax, unknown names, writes and push queries; 413 over the row or scan limit;
     *     408 past the timeout; 503 when a partition or topic cannot be read now
     */
    public SqlAnswer pull(String sql) {
        SqlStatement statement = SqlStatement.parse(sql);
        if (statement.push()) {
            throw QueryException.badRequest("EMIT CHANGES makes a push query: ask for a stream (Accept:"
                    + " application/x-ndjson or text/event-stream)");
        }
        long started = System.nanoTime();
        QueryContext context = new QueryContext(results, kafka, limits);
        Future<SqlAnswer> run = workers.submit(() -> execute(statement, context, started));
        try {
            return run.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw context.timedOut("its tables");
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            throw QueryException.unavailable("interrupted");
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    private SqlAnswer execute(SqlStatement statement, QueryContext context, long started) throws SQLException {
        try (CalciteConnection connection = CalciteConnections.open(root -> addTables(root, context), true);
                Statement jdbc = connection.createStatement()) {
            jdbc.setMaxRows(limits.maxRows() + 1);
            try (ResultSet rs = jdbc.executeQuery(statement.query())) {
                ResultSetMetaData meta = rs.getMetaData();
                List<SqlAnswer.Column> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new SqlAnswer.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    if (rows.size() == limits.maxRows()) {
                        throw new QueryException(413, "the answer has more than " + limits.maxRows() + " rows"
                                + " (query.max.rows); add LIMIT, aggregate, or narrow the WHERE clause");
                    }
                    rows.add(row(rs, meta));
                }
                return new SqlAnswer(columns, rows, context.freshness(), context.warnings(), context.scanned(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /** The tables of a query, each reading through its context. */
    static void addTables(SchemaPlus root, QueryContext context) {
        for (SqlTable table : SqlTable.values()) {
            root.add(table.sqlName(), table.scansTopic() ? new TopicTable(table, context)
                    : new StoreTable(table, context));
        }
    }

    /** A result-set row as JSON-friendly values. */
    static List<Object> row(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        List<Object> row = new ArrayList<>(meta.getColumnCount());
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.add(value(rs, meta.getColumnType(i), i));
        }
        return row;
    }

    private static Object value(ResultSet rs, int type, int i) throws SQLException {
        switch (type) {
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                Timestamp ts = rs.getTimestamp(i, (Calendar) UTC.clone());
                return ts == null ? null : ts.toInstant().toString();
            }
            case Types.DATE, Types.TIME -> {
                Object v = rs.getObject(i);
                return v == null ? null : v.toString();
            }
            case Types.ARRAY -> {
                Array array = rs.getArray(i);
                return array == null ? null : plain(array.getArray());
            }
            case Types.BINARY, Types.VARBINARY -> {
                byte[] bytes = rs.getBytes(i);
                return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
            }
            default -> {
                return plain(rs.getObject(i));
            }
        }
    }

    private static Object plain(Object value) {
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(SqlEngine::plain).toList();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(SqlEngine::plain).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.stripTrailingZeros().scale() <= 0 ? (Object) decimal.longValue() : decimal.doubleValue();
        }
        return value;
    }

    /** The query error a failure means: ours (already a QueryException) or Calcite's validation, or a 500. */
    static QueryException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof QueryException query) {
                return query;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CalciteContextException context) {
                String message = context.getCause() instanceof SqlValidatorException validator
                        ? validator.getMessage() : context.getMessage();
                return QueryException.badRequest("at line " + context.getPosLine() + ", column "
                        + context.getPosColumn() + ": " + message);
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        message = message.lines().findFirst().orElse(message);
        if (failure instanceof SQLException) {
            return QueryException.badRequest(message);
        }
        return new QueryException(500, "query failed: " + message);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
