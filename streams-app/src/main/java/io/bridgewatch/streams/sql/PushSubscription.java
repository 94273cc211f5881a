package io.bridgewatch.streams.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.jdbc.CalciteConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push query: its statement, compiled once, runs over each batch of new rows of its table on the shared tail's
 * thread; the rows it selects wait in a bounded queue for the client. A client that falls too far behind is
 * dropped with the reason, never slowing the tail or the other subscribers.
 */
public final class PushSubscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushSubscription.class);
    private final SqlTable table;
    private final CalciteConnection connection;
    private final PreparedStatement statement;
    private final List<SqlAnswer.Column> columns;
    private final long limit;
    private final BlockingQueue<List<Object>> queue;
    private final Runnable onClose;
    private List<Object[]> batch = List.of();
    private long selected;
    private volatile String endReason;

    PushSubscription(SqlTable table, CalciteConnection connection, PreparedStatement statement, long limit,
            int capacity, Runnable onClose) throws SQLException {
        this.table = table;
        this.connection = connection;
        this.statement = statement;
        this.limit = limit;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
        ResultSetMetaData meta = statement.getMetaData();
        List<SqlAnswer.Column> cols = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            cols.add(new SqlAnswer.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
        }
        this.columns = List.copyOf(cols);
    }

    public SqlTable table() {
        return table;
    }

    public List<SqlAnswer.Column> columns() {
        return columns;
    }

    /** The batch the statement reads (its table's rows). */
    List<Object[]> batch() {
        return batch;
    }

    /** Runs the statement over new rows of the table; on the tail's thread. */
    synchronized void offer(List<Object[]> rows) {
        if (endReason != null) {
            return;
        }
        batch = rows;
        try (ResultSet rs = statement.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                if (!queue.offer(SqlEngine.row(rs, meta))) {
                    end("the client did not keep up: " + queue.size() + " rows were waiting to be sent");
                    return;
                }
                if (++selected >= limit) {
                    end("LIMIT " + limit + " reached");
                    return;
                }
            }
        } catch (SQLException | RuntimeException e) {
            end("the query failed on new rows: " + SqlEngine.translate(e).getMessage());
        } finally {
            batch = List.of();
        }
    }

    /** Ends the subscription; the client is told the reason after the rows already queued. */
    void end(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
    }

    /**
     * The rows selected since the last call, waiting up to {@code wait} for the first.
     *
     * @return empty when none came in time
     */
    public List<List<Object>> poll(Duration wait) throws InterruptedException {
        List<List<Object>> rows = new ArrayList<>();
        List<Object> first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            rows.add(first);
            queue.drainTo(rows);
        }
        return rows;
    }

    /** Why the subscription ended, once it has and every queued row was taken; else null. */
    public String endReason() {
        return queue.isEmpty() ? endReason : null;
    }

    @Override
    public synchronized void close() {
        end("closed");
        onClose.run();
        try {
            statement.close();
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a push query: {}", e.getMessage());
        }
    }
}
