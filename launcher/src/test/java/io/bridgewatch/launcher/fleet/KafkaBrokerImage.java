package io.bridgewatch.launcher.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kafka broker image the fault tests run, built here because no registry can be reached: {@code FROM scratch},
 * a {@code jlink}ed runtime of this JDK, the glibc libraries it links, a static busybox, and the broker jars of the
 * build (the Kafka version the project uses). Built with {@code podman build} when missing.
 */
final class KafkaBrokerImage {
    static final String NAME = "localhost/bridgewatch-kafka:4.4.0";
    private static final Path REPO = Path.of(System.getProperty("bridgewatch.repo.dir", ".."));
    /** java.desktop: Kafka's broker uses java.beans. */
    private static final String MODULES = "java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs";

    private KafkaBrokerImage() {
    }

    /** Builds the image unless it exists. */
    static void ensure() throws IOException, InterruptedException {
        if (run(List.of("podman", "image", "exists", NAME), null) == 0) {
            return;
        }
        Path context = Files.createTempDirectory("bw-kafka-image");
        Path rootfs = context.resolve("rootfs");
        Path jre = rootfs.resolve("opt/jre");
        Files.createDirectories(jre.getParent());
        String jlink = Path.of(System.getProperty("java.home"), "bin", "jlink").toString();
        check(run(List.of(jlink, "--add-modules", MODULES, "--strip-debug", "--no-header-files", "--no-man-pages",
                "--output", jre.toString()), null), "jlink");
        copyLinkedLibraries(jre, rootfs);
        Path libs = Files.createDirectories(rootfs.resolve("opt/kafka/libs"));
        for (String jar : Files.readString(REPO.resolve("kafka-embedded/target/classpath.txt")).trim()
                .split(java.io.File.pathSeparator)) {
            Files.copy(Path.of(jar), libs.resolve(Path.of(jar).getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("logback")) { // the broker logs to the container's output
                Files.copy(Path.of(entry), libs.resolve(Path.of(entry).getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.createDirectories(rootfs.resolve("var/lib/kafka"));
        Files.createDirectories(rootfs.resolve("etc/kafka"));
        Files.writeString(rootfs.resolve("entrypoint.sh"), """
                #!/bin/sh
                # Formats the log on first start (the cluster id comes from CLUSTER_ID), then runs the broker.
                if [ ! -f /var/lib/kafka/meta.properties ]; then
                  /opt/jre/bin/java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format -t "$CLUSTER_ID" \\
                    -c /etc/kafka/server.properties || exit 1
                fi
                exec /opt/jre/bin/java -Xmx384m -cp '/opt/kafka/libs/*' kafka.Kafka /etc/kafka/server.properties
                """, StandardCharsets.UTF_8);
        Files.writeString(context.resolve("Containerfile"), """
                FROM scratch
                COPY rootfs/ /
                ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]
                """, StandardCharsets.UTF_8);
        check(run(List.of("podman", "build", "-t", NAME, context.toString()), null), "podman build");
    }

    /** Copies every shared library the runtime's binaries link (and the loader) to the same paths. */
    private static void copyLinkedLibraries(Path jre, Path rootfs) throws IOException, InterruptedException {
        List<Path> binaries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(jre)) {
            files.filter(f -> f.toString().endsWith(".so") || f.endsWith("bin/java")).forEach(binaries::add);
        }
        Set<String> libraries = new LinkedHashSet<>();
        for (Path binary : binaries) {
            Path out = Files.createTempFile("ldd", ".txt");
            run(List.of("ldd", binary.toString()), out);
            for (String line : Files.readAllLines(out)) {
                for (String word : line.trim().split("\\s+")) {
                    if (word.startsWith("/") && !Path.of(word).normalize().startsWith(jre)) {
                        libraries.add(word); // the system's, not the runtime's own
                    }
                }
            }
        }
        for (String library : libraries) {
            Path source = Path.of(library);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = rootfs.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(source.toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
            // The loader may be asked for by its own path too (/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-...).
            Path realTarget = rootfs.resolve(source.toRealPath().toString().substring(1));
            if (!Files.exists(realTarget, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(realTarget.getParent());
                Files.copy(source.toRealPath(), realTarget);
            }
        }
    }

    private static int run(List<String> command, Path output) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(
                output.toFile()));
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static void check(int rc, String step) {
        if (rc != 0) {
            throw new IllegalStateException(step + " failed (exit " + rc + ") while building " + NAME);
        }
    }
}
