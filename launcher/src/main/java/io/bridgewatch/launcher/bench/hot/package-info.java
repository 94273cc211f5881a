/**
 * JMH microbenchmarks of the pipeline's inner loops, run by {@code bridgewatch bench hot-paths}: event serdes and
 * batches, the quantile histogram of window state, interval arithmetic (concurrency), the toll and bandwidth fit,
 * and the trace and agent readers. Each measures the production classes as the topology and readers call them.
 */
package io.bridgewatch.launcher.bench.hot;
