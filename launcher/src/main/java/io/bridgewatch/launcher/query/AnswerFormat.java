package io.bridgewatch.launcher.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the {@code query} command prints rows: an aligned table, CSV, or the server's JSON as it is. */
public enum AnswerFormat {
    TABLE, CSV, JSON;

    private static final MathContext SIX_DIGITS = new MathContext(6);

    /** Prints a whole answer (a pull query): the column names, then the rows. */
    public void printAll(JsonNode columns, JsonNode rows, PrintStream out) {
        List<String> names = names(columns);
        List<List<String>> cells = new ArrayList<>();
        rows.forEach(r -> cells.add(cells(r, this == TABLE)));
        if (this == CSV) {
            out.println(csvLine(names));
            cells.forEach(c -> out.println(csvLine(c)));
            return;
        }
        int[] widths = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            widths[i] = names.get(i).length();
            for (List<String> row : cells) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        boolean[] numeric = numericColumns(columns);
        out.println(tableLine(names, widths, new boolean[names.size()]));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        cells.forEach(c -> out.println(tableLine(c, widths, numeric)));
    }

    /** The header of a stream (a push query), before any row is known. */
    public void printHeader(JsonNode columns, PrintStream out) {
        List<String> names = names(columns);
        out.println(this == CSV ? csvLine(names) : String.join(" | ", names));
    }

    /** One streamed row. */
    public void printRow(JsonNode row, PrintStream out) {
        List<String> cells = cells(row, this == TABLE);
        out.println(this == CSV ? csvLine(cells) : String.join(" | ", cells));
        out.flush();
    }

    private static List<String> names(JsonNode columns) {
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    private static boolean[] numericColumns(JsonNode columns) {
        boolean[] numeric = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String type = columns.get(i).path("type").asText().toUpperCase(Locale.ROOT);
            numeric[i] = type.matches("(TINYINT|SMALLINT|INTEGER|BIGINT|DOUBLE|REAL|FLOAT|DECIMAL).*");
        }
        return numeric;
    }

    /** The row's values as text; for reading (a table), floating-point values to six significant digits. */
    private static List<String> cells(JsonNode row, boolean forReading) {
        List<String> cells = new ArrayList<>();
        row.forEach(v -> cells.add(v.isNull() ? "" : forReading && v.isFloatingPointNumber() ? readable(v.asDouble())
                : v.isValueNode() ? v.asText() : v.toString()));
        return cells;
    }

    private static String readable(double value) {
        if (value == 0 || Math.abs(value) >= 1e-6 && Math.abs(value) < 1e15) {
            return new BigDecimal(value).round(SIX_DIGITS).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.5e", value);
    }

    private static String tableLine(List<String> cells, int[] widths, boolean[] rightAligned) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(widths[i] - cell.length());
            line.append(i == 0 ? "" : " | ").append(rightAligned[i] ? pad + cell : cell + pad);
        }
        return line.toString().stripTrailing();
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String cell : cells) {
            quoted.add(cell.matches(".*[\",\\n\\r].*") || cell.startsWith(" ") || cell.endsWith(" ")
                    ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return String.join(",", quoted);
    }
}
