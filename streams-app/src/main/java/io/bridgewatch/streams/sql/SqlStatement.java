package io.bridgewatch.streams.sql;

import io.bridgewatch.streams.query.QueryException;
import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;

/**
 * One SQL text, parsed by Calcite and classified: a pull query, or a push query ({@code ... EMIT CHANGES}).
 * Anything that is not a query (writes, DDL, session settings) is refused here, before any table is touched.
 */
public record SqlStatement(String text, String query, boolean push, SqlNode parsed) {
    private static final Pattern EMIT_CHANGES = Pattern.compile("(?is)^(.*?)\\s+EMIT\\s+CHANGES\\s*;?\\s*$");
    private static final Pattern ENCOUNTERED = Pattern.compile("Encountered \"([^\"]+)\"");
    private static final Pattern TRAILING_SEMICOLON = Pattern.compile("(?s)\\s*;\\s*$");
    private static final Pattern WRITE = Pattern.compile(
            "(?is)^\\s*(INSERT|UPSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|SET|RESET|CALL"
                    + "|COMMIT|ROLLBACK)\\b");

    /** The parser settings every connection shares: Java-like lexing, identifiers matched case-insensitively. */
    static SqlParser.Config parserConfig() {
        return SqlParser.config().withLex(Lex.JAVA).withCaseSensitive(false);
    }

    /**
     * @throws QueryException 400 for an empty text, a syntax error (with its line and column), or a statement that
     *     would write
     */
    public static SqlStatement parse(String text) {
        if (text == null || text.isBlank()) {
            throw QueryException.badRequest("no SQL given");
        }
        Matcher write = WRITE.matcher(text);
        if (write.find()) {
            throw QueryException.badRequest("read-only: " + write.group(1).toUpperCase(Locale.ROOT)
                    + " statements are not accepted; only SELECT queries (add EMIT CHANGES to follow new rows)");
        }
        Matcher emit = EMIT_CHANGES.matcher(text);
        boolean push = emit.matches();
        String query = TRAILING_SEMICOLON.matcher(push ? emit.group(1) : text).replaceFirst("");
        SqlNode parsed;
        try {
            parsed = SqlParser.create(query, parserConfig()).parseQuery();
        } catch (SqlParseException e) {
            String message = (e.getMessage() == null ? "syntax error" : e.getMessage().lines().findFirst()
                    .orElse("syntax error")) + reservedWordHint(e);
            if (e.getPos() != null && e.getPos().getLineNum() > 0) {
                throw QueryException.badRequest("syntax error at line " + e.getPos().getLineNum() + ", column "
                        + e.getPos().getColumnNum() + ": " + message);
            }
            throw QueryException.badRequest("syntax error: " + message);
        }
        if (!parsed.isA(SqlKind.QUERY)) {
            throw QueryException.badRequest("read-only: " + parsed.getKind() + " is not accepted; only SELECT"
                    + " queries");
        }
        return new SqlStatement(text, query, push, parsed);
    }

    /** Calcite reserves words that are also column names here (variant, value): say how to use them. */
    private static String reservedWordHint(SqlParseException e) {
        Matcher token = ENCOUNTERED.matcher(String.valueOf(e.getMessage()));
        if (token.find()) {
            String word = token.group(1);
            if (SqlParserImpl.FACTORY.getParser(new StringReader("")).getMetadata().isReservedWord(
                    word.toUpperCase(Locale.ROOT)) && word.chars().allMatch(c -> Character.isLetter(c) || c == '_')) {
                String column = AvroColumns.columnName(word.toLowerCase(Locale.ROOT));
                return " (" + word + " is a reserved word in SQL" + (column.equals(word.toLowerCase(Locale.ROOT))
                        ? ": quote it with backticks, `" + word + "`)" : "; the column is named " + column + ")");
            }
        }
        return "";
    }
}
