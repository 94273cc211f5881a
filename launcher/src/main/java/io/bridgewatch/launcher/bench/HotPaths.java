package io.bridgewatch.launcher.bench;

import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** How {@code bench hot-paths} runs JMH: one fork per benchmark, with this JVM's class path. */
final class HotPaths {
    private HotPaths() {
    }

    static Options options(String include, boolean quick) {
        return new OptionsBuilder().include(include).forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgsAppend("-Xmx1g").build();
    }
}
