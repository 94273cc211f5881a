package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.QueryException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Push queries ({@code SELECT ... FROM <result table> [WHERE ...] [LIMIT n] EMIT CHANGES}): rows as windows close,
 * until the client goes. However many there are, one {@link ResultTail} per instance reads the result topics; each
 * subscription adds only its compiled filter and projection.
 */
public final class PushQueries implements AutoCloseable {
    private static final SqlDialect BACKTICKS = new SqlDialect(SqlDialect.EMPTY_CONTEXT
            .withIdentifierQuoteString("`"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ResultTail tail;
    private final int queueCapacity;
    private final int maxSubscriptions;

    /**
     * @param kafka consumer settings of the cluster the result topics are on
     * @param queueCapacity rows a subscription may have waiting for its client before it is dropped
     * @param maxSubscriptions push queries one instance serves at once
     */
    public PushQueries(Map<String, Object> kafka, int queueCapacity, int maxSubscriptions) {
        this.tail = new ResultTail(kafka);
        this.queueCapacity = queueCapacity;
        this.maxSubscriptions = maxSubscriptions;
    }

    /**
     * Starts a push query; rows selected from now on wait in the subscription until polled.
     *
     * @throws QueryException 400 for what a push query cannot do (joins, aggregates, ordering, tables without a
     *     result topic), 429 over the subscription limit, 503 when the result topics cannot be followed
     */
    public PushSubscription subscribe(SqlStatement statement) {
        if (!statement.push()) {
            throw QueryException.badRequest("not a push query (end it with EMIT CHANGES)");
        }
        if (tail.subscriptions() >= maxSubscriptions) {
            throw new QueryException(429, "this instance already serves " + maxSubscriptions + " push queries"
                    + " (query.push.max.subscriptions); close one or ask another instance");
        }
        SqlNode node = statement.parsed();
        long limit = Long.MAX_VALUE;
        if (node instanceof SqlOrderBy orderBy) {
            if (orderBy.orderList != null && orderBy.orderList.size() > 0 || orderBy.offset != null) {
                throw QueryException.badRequest("push queries deliver rows as they come: ORDER BY and OFFSET are"
                        + " for pull queries");
            }
            if (orderBy.fetch != null) {
                limit = ((SqlLiteral) orderBy.fetch).longValue(true);
            }
            node = orderBy.query;
        }
        if (!(node instanceof SqlSelect select)) {
            throw QueryException.badRequest("a push query is one SELECT over one result table");
        }
        if (select.getGroup() != null || select.getHaving() != null || select.isDistinct()
                || hasAggregate(select)) {
            throw QueryException.badRequest("push queries filter and project rows as windows close; GROUP BY,"
                    + " DISTINCT and aggregates are for pull queries over the result views");
        }
        SqlTable table = pushTable(select.getFrom());
        AtomicReference<PushSubscription> created = new AtomicReference<>();
        try {
            tail.ensureStarted(START_TIMEOUT);
            CalciteConnection connection = CalciteConnections.open(root -> root.add(table.sqlName(),
                    new BatchTable(table, () -> created.get().batch())), false);
            PreparedStatement prepared;
            try {
                prepared = connection.prepareStatement(select.toSqlString(BACKTICKS).getSql());
            } catch (SQLException e) {
                connection.close();
                throw SqlEngine.translate(e);
            }
            PushSubscription subscription = new PushSubscription(table, connection, prepared, limit, queueCapacity,
                    () -> tail.remove(created.get()));
            created.set(subscription);
            tail.add(subscription);
            return subscription;
        } catch (SQLException e) {
            throw SqlEngine.translate(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QueryException.unavailable("interrupted");
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            throw QueryException.unavailable("cannot follow the result topics: " + e.getMessage());
        }
    }

    /** Push queries running now. */
    public int subscriptions() {
        return tail.subscriptions();
    }

    private static SqlTable pushTable(SqlNode from) {
        SqlNode source = from;
        if (source instanceof SqlBasicCall call && call.getKind() == SqlKind.AS) {
            source = call.operand(0);
        }
        String pushable = Arrays.stream(SqlTable.values()).filter(SqlTable::pushable).map(SqlTable::sqlName)
                .collect(Collectors.joining(", "));
        if (!(source instanceof SqlIdentifier identifier) || !identifier.isSimple()) {
            throw QueryException.badRequest("a push query reads one table (" + pushable + "); join in a pull"
                    + " query instead");
        }
        return SqlTable.ofSqlName(identifier.getSimple()).filter(SqlTable::pushable).orElseThrow(() ->
                QueryException.badRequest("push queries follow the result tables (" + pushable + "); '"
                        + identifier.getSimple() + "' is not one"));
    }

    private static boolean hasAggregate(SqlSelect select) {
        SqlBasicVisitor<Boolean> aggregates = new SqlBasicVisitor<>() {
            @Override
            public Boolean visit(SqlCall call) {
                if (call.getOperator().isAggregator() || isAggregateFunctionName(call)) {
                    return true;
                }
                for (SqlNode operand : call.getOperandList()) {
                    if (operand != null && Boolean.TRUE.equals(operand.accept(this))) {
                        return true;
                    }
                }
                return false;
            }
        };
        return select.getSelectList().stream().anyMatch(item -> Boolean.TRUE.equals(item.accept(aggregates)));
    }

    /** The parser leaves functions unresolved (the validator resolves them): look the name up. */
    private static boolean isAggregateFunctionName(SqlCall call) {
        if (!(call.getOperator() instanceof SqlUnresolvedFunction function)) {
            return false;
        }
        List<SqlOperator> candidates = new ArrayList<>();
        SqlStdOperatorTable.instance().lookupOperatorOverloads(function.getSqlIdentifier(), null,
                SqlSyntax.FUNCTION, candidates, SqlNameMatchers.withCaseSensitive(false));
        return candidates.stream().anyMatch(SqlOperator::isAggregator);
    }

    @Override
    public void close() {
        tail.close();
    }
}
