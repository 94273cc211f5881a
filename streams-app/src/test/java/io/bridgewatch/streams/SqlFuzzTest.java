package io.bridgewatch.streams;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.streams.query.QueryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * SQL text as the query API takes it from anyone allowed to ask: an answer, or {@link QueryException} with a 4xx or
 * 5xx saying why. Another exception, a hang past the query timeout or unbounded memory is a finding.
 */
class SqlFuzzTest {
    private static SqlFixture sql;

    @BeforeAll
    static void start() {
        sql = new SqlFixture();
    }

    @AfterAll
    static void stop() {
        sql.close();
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void pull(byte[] query) {
        try {
            sql.engine.pull(new String(query, StandardCharsets.UTF_8));
        } catch (QueryException refused) {
            // answered with its status
        }
    }
}
