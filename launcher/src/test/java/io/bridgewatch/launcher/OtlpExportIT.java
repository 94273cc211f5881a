package io.bridgewatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `demo --otlp-endpoint` pushes the metrics over OTLP/HTTP (protobuf) to a receiver, here one inside the test. */
class OtlpExportIT {
    @Test
    void shouldPushMetricsToTheOtlpEndpoint() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + body.length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            int exit = new CommandLine(new BridgewatchCli()).execute("demo", "--duration", "12s", "--virtual-time",
                    "--refresh", "60min", "--otlp-endpoint",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics");
            assertThat(exit).isZero();
        } finally {
            receiver.stop(0);
        }
        assertThat(received).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("application/x-protobuf"));
        assertThat(received).anySatisfy(r -> assertThat(Integer.parseInt(r.split(" ")[1])).isGreaterThan(1000));
    }
}
