package io.bridgewatch.collector.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bridgewatch.collector.service.CollectorServiceConfig;
import io.bridgewatch.config.ConfigFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A collector's config file: settings, or {@link ConfigFileException} naming the file, line and key. */
class CollectorConfigFuzzTest {
    private static final Path FILE = FuzzFiles.temporary(".properties");

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void load(byte[] properties) throws IOException {
        Files.write(FILE, properties);
        try {
            CollectorServiceConfig.load(FILE, Map.of());
        } catch (ConfigFileException refused) {
            // a clear error
        }
    }
}
