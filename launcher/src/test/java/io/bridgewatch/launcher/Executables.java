package io.bridgewatch.launcher;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Programs the tests run from the PATH (the Debian prometheus and prometheus-alertmanager packages). */
public final class Executables {
    private Executables() {
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
