package io.bridgewatch.streams.sql;

import java.util.List;

/**
 * The answer to a pull query: its columns, rows, and where the rows came from and how fresh they were.
 *
 * @param rows values as JSON-friendly Java objects: numbers, strings, booleans, ISO-8601 timestamps, lists, maps
 * @param scannedRecords records read from stores and topics to answer
 */
public record SqlAnswer(List<Column> columns, List<List<Object>> rows, List<SourceFreshness> freshness,
        List<String> warnings, long scannedRecords, long elapsedMs) {

    /** A column of the answer, with its SQL type as Calcite names it. */
    public record Column(String name, String type) {
    }
}
