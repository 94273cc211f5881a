package io.bridgewatch.streams.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.Driver;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ViewTable;

/**
 * Opens Calcite connections with the settings every query shares (Java-like lexing, case-insensitive names, UTC)
 * over the tables a caller adds, plus the views defined on them.
 */
final class CalciteConnections {
    /** {@code async}: the async-copy columns of the cost windows that had async calls. */
    static final String ASYNC_VIEW = "async";
    static final String ASYNC_VIEW_SQL = "SELECT \"node_id\", \"gpu_index\", \"direction\", \"host_memory\","
            + " \"form\", \"window_start\", \"window_end\", \"async_calls\", \"async_blocked\","
            + " \"async_blocked_fraction\", \"async_host_blocked_mean_s\" FROM \"cost\" WHERE \"async_calls\" > 0";
    static final String ASYNC_VIEW_DESCRIPTION = "Async copies per cost window: how many blocked and for how long"
            + " (a view of cost)";

    static {
        // Generated code is cached by its source, so a query of a known shape skips code generation.
        System.setProperty("calcite.bindable.cache.maxSize", System.getProperty("calcite.bindable.cache.maxSize",
                "1000"));
    }

    private CalciteConnections() {
    }

    static CalciteConnection open(Consumer<SchemaPlus> tables, boolean withViews) throws SQLException {
        Properties info = new Properties();
        info.setProperty(CalciteConnectionProperty.LEX.camelName(), "JAVA");
        info.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        info.setProperty(CalciteConnectionProperty.TIME_ZONE.camelName(), "UTC");
        Connection connection = new Driver().connect("jdbc:calcite:", info);
        CalciteConnection calcite = connection.unwrap(CalciteConnection.class);
        SchemaPlus root = calcite.getRootSchema();
        tables.accept(root);
        if (withViews) {
            root.add(ASYNC_VIEW, ViewTable.viewMacro(root, ASYNC_VIEW_SQL, java.util.List.of(),
                    java.util.List.of(ASYNC_VIEW), false));
        }
        return calcite;
    }
}
