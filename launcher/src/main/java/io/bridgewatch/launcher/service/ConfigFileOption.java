package io.bridgewatch.launcher.service;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option of the service commands. */
public final class ConfigFileOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (key = value); without it, defaults and the environment only.")
    Path file;

    /** The file, or null when none was given. */
    public Path file() {
        return file;
    }
}
