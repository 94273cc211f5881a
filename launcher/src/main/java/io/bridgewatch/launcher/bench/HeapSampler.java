package io.bridgewatch.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples the heap in use every 50 ms and keeps the peak, from a daemon thread. */
final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile long peakBytes;
    private volatile boolean running = true;

    HeapSampler() {
        thread = new Thread(this::sample, "bench-heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            peakBytes = Math.max(peakBytes, memory.getHeapMemoryUsage().getUsed());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long peakBytes() {
        return peakBytes;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
