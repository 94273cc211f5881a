package io.bridgewatch.launcher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewatch.collector.service.CollectorServiceConfig;
import io.bridgewatch.config.ConfigFileException;
import io.bridgewatch.streams.service.StreamsServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services' config files: strict, overridable from the environment, and documented key by key. */
class ConfigReferenceTest {
    private static final Path REPO = Path.of(System.getProperty("bridgewatch.repo.dir", ".."));

    @TempDir
    Path dir;

    @Test
    void shouldDocumentEveryKeyOfBothServicesInTheReadme() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        StreamsServiceConfig.DEFINITION.names().forEach(key -> assertThat(readme).contains("| `" + key + "` |"));
        CollectorServiceConfig.DEFINITION.names().forEach(key -> assertThat(readme).contains("| `" + key + "` |"));
    }

    @Test
    void shouldStopAtAnUnknownKeyNamingFileAndLine() throws IOException {
        Path file = write("bootstrap.servers = kafka:9092\n# a comment\nhttp.prot = 7070\n");
        assertThatThrownBy(() -> StreamsServiceConfig.load(file, Map.of()))
                .isInstanceOf(ConfigFileException.class)
                .hasMessageStartingWith(file + ":3: unknown key 'http.prot'");
    }

    @Test
    void shouldStopAtAMalformedValueNamingFileLineAndKey() throws IOException {
        Path file = write("bootstrap.servers = kafka:9092\nnum.standby.replicas = two\n");
        assertThatThrownBy(() -> StreamsServiceConfig.load(file, Map.of()))
                .hasMessageStartingWith(file + ":2: key 'num.standby.replicas': invalid value 'two'");
    }

    @Test
    void shouldRefuseAKeySetTwiceAndAMissingRequiredKey() throws IOException {
        Path twice = write("node.id = a\nnode.id = b\nbootstrap.servers = k:9092\n");
        assertThatThrownBy(() -> CollectorServiceConfig.load(twice, Map.of()))
                .hasMessageContaining(":2: key 'node.id' is set twice (first at " + twice + ":1)");
        Path missing = write("bootstrap.servers = k:9092\n");
        assertThatThrownBy(() -> CollectorServiceConfig.load(missing, Map.of()))
                .hasMessageContaining("missing required key 'node.id'");
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFileAndPassKafkaSettingsThrough() throws IOException {
        Path file = write("bootstrap.servers = kafka:9092\nhttp.port = 7070\nkafka.session.timeout.ms = 10000\n");
        StreamsServiceConfig config = StreamsServiceConfig.load(file, Map.of("BRIDGEWATCH_HTTP_PORT", "7171",
                "BRIDGEWATCH_NUM_STANDBY_REPLICAS", "2"));
        assertThat(config.httpPort()).isEqualTo(7171);
        assertThat(config.standbyReplicas()).isEqualTo(2);
        assertThat(config.kafka()).containsEntry("session.timeout.ms", "10000");
        assertThatThrownBy(() -> StreamsServiceConfig.load(file, Map.of("BRIDGEWATCH_HTTP_PORT", "-1")))
                .hasMessageStartingWith("environment BRIDGEWATCH_HTTP_PORT: key 'http.port'");
    }

    @Test
    void shouldReadTheNodesLabelsAndServingEndpoint() throws IOException {
        Path file = write("node.id = h200-7\nbootstrap.servers = k:9092\nnode.label.engine = VLLM\n"
                + "serving.url = http://localhost:8000/metrics\n");
        CollectorServiceConfig config = CollectorServiceConfig.load(file, Map.of());
        assertThat(config.labels()).containsEntry("engine", "VLLM");
        assertThat(config.servingUrl()).hasToString("http://localhost:8000/metrics");
        Path bad = write("node.id = n\nbootstrap.servers = k:9092\nserving.url = localhost:8000\n");
        assertThatThrownBy(() -> CollectorServiceConfig.load(bad, Map.of())).hasMessageContaining("serving.url");
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "service", ".properties");
        Files.writeString(file, text);
        return file;
    }
}
