package io.bridgewatch.launcher;

import io.bridgewatch.launcher.agent.AgentCommand;
import io.bridgewatch.launcher.bench.BenchCommand;
import io.bridgewatch.launcher.query.QueryCommand;
import io.bridgewatch.launcher.service.CollectorCommand;
import io.bridgewatch.launcher.service.SimulateCommand;
import io.bridgewatch.launcher.service.StreamsCommand;
import io.bridgewatch.launcher.trace.AnalyzeCommand;
import io.bridgewatch.launcher.trace.ImportCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code bridgewatch}: the command-line entry point. */
@Command(name = "bridgewatch", mixinStandardHelpOptions = true, version = "bridgewatch 0.1.0",
        description = "Watches the bridge between confidential VMs and their GPUs.",
        subcommands = {DemoCommand.class, StreamsCommand.class, CollectorCommand.class, SimulateCommand.class,
                AnalyzeCommand.class, ImportCommand.class, QueryCommand.class, AgentCommand.class,
                BenchCommand.class})
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
