package io.bridgewatch.launcher.service;

import io.bridgewatch.config.ConfigFileException;
import io.bridgewatch.config.StartupException;
import java.util.concurrent.CountDownLatch;

/**
 * What every long-running command shares: exit codes for what went wrong at start, and a clean stop on SIGTERM or
 * Ctrl-C (the JVM's shutdown hook stops the service and waits until the command has finished closing it).
 */
public final class ServiceMain {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_CONFIG = 2;
    public static final int NO_CLUSTER = 3;
    public static final int NO_PORT = 4;
    /** For the commands' --help. */
    public static final String EXIT_CODES = "Exit codes: 0 stopped cleanly (SIGTERM, Ctrl-C), 1 failed while running,"
            + " 2 bad configuration, 3 Kafka cluster not reachable or topics missing, 4 a port or socket cannot be"
            + " bound.";

    private ServiceMain() {
    }

    /** The exit code of a start failure, having printed its one-line reason. */
    public static int startFailure(String command, RuntimeException e) {
        System.err.println("bridgewatch " + command + ": " + e.getMessage());
        if (e instanceof ConfigFileException) {
            return BAD_CONFIG;
        }
        if (e instanceof StartupException startup) {
            return switch (startup.reason()) {
                case CONFIG -> BAD_CONFIG;
                case CLUSTER -> NO_CLUSTER;
                case PORT -> NO_PORT;
            };
        }
        return BAD_CONFIG;
    }

    /**
     * Runs until SIGTERM/Ctrl-C or until {@code body} returns by itself; {@code onStop} is then called from the
     * shutdown hook to make {@code body} return.
     */
    public static int runUntilStopped(String name, Body body, Runnable onStop) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            onStop.run();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.run();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running and waits for us.
            }
        }
    }

    /** The command's work, returning its exit code. */
    @FunctionalInterface
    public interface Body {
        int run() throws Exception;
    }
}
