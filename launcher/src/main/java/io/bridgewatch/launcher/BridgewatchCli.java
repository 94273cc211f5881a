package io.bridgewatch.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bridgewatch}: the command-line entry point. */
@Command(name = "bridgewatch", mixinStandardHelpOptions = true, version = "bridgewatch 0.1.0",
        description = "Watches the bridge between confidential VMs and their GPUs.",
        subcommands = {DemoCommand.class, io.bridgewatch.launcher.trace.AnalyzeCommand.class,
                io.bridgewatch.launcher.trace.ImportCommand.class, io.bridgewatch.launcher.agent.AgentCommand.class,
                io.bridgewatch.launcher.bench.BenchCommand.class})
public final class BridgewatchCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BridgewatchCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
