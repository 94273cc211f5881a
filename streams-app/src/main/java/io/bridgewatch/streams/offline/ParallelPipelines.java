package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.serde.NodeEventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several offline pipelines over the same events, each driven on a thread of its own. The caller (a trace reader)
 * encodes each event once and hands it to every pipeline in chunks through bounded queues: reading and each
 * pipeline's processing run side by side on the cores there are, and memory stays bounded (a few chunks per
 * pipeline). Each pipeline gets exactly the inputs, in the order, it would get driven on the caller's thread.
 *
 * <p>Used from one thread (the caller's). A pipeline that fails throws its error to the caller at the first hand-over
 * that finds it stopped, or at {@link #finish()}; {@link #close()} stops the threads (the pipelines are their owner's
 * to close, after).
 */
public final class ParallelPipelines implements EventSink, AutoCloseable {
    /** Inputs per hand-over: a queue operation per input would cost more than encoding it. */
    private static final int CHUNK_INPUTS = 1024;
    /** Chunks waiting per pipeline, at most: how far the reader may run ahead. */
    private static final int QUEUED_CHUNKS = 8;
    private static final List<PipelineInput> END = List.of();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final List<Worker> workers = new ArrayList<>();
    private final ExecutorService threads;
    private boolean finished;

    public ParallelPipelines(List<OfflinePipeline> pipelines) {
        if (pipelines.isEmpty()) {
            throw new IllegalArgumentException("no pipelines to drive");
        }
        int run = RUNS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        threads = Executors.newFixedThreadPool(pipelines.size(), task -> {
            Thread t = new Thread(task, "offline-pipeline-" + run + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (OfflinePipeline pipeline : pipelines) {
            Worker worker = new Worker();
            worker.results = threads.submit(() -> worker.drive(pipeline));
            workers.add(worker);
        }
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        toAll(PipelineInput.of(info));
    }

    @Override
    public void crossing(Crossing crossing) {
        toAll(PipelineInput.of(crossing, NodeEventCodec.encode(crossing)));
    }

    @Override
    public void kernel(KernelExec kernel) {
        toAll(PipelineInput.of(kernel, NodeEventCodec.encode(kernel)));
    }

    @Override
    public void serving(ServingSample sample) {
        toAll(PipelineInput.of(sample, NodeEventCodec.encode(sample)));
    }

    /** A sink into one of the pipelines alone (by its place in the list given), in order with what all get. */
    public EventSink only(int pipeline) {
        Worker worker = workers.get(pipeline);
        return new EventSink() {
            @Override
            public void nodeInfo(NodeInfo info) {
                worker.add(PipelineInput.of(info));
            }

            @Override
            public void crossing(Crossing crossing) {
                worker.add(PipelineInput.of(crossing, NodeEventCodec.encode(crossing)));
            }

            @Override
            public void kernel(KernelExec kernel) {
                worker.add(PipelineInput.of(kernel, NodeEventCodec.encode(kernel)));
            }

            @Override
            public void serving(ServingSample sample) {
                worker.add(PipelineInput.of(sample, NodeEventCodec.encode(sample)));
            }
        };
    }

    /** Ends every pipeline's input and returns their results, in the order of the pipelines given. */
    public List<OfflinePipeline.Results> finish() {
        finished = true;
        for (Worker worker : workers) {
            worker.flush();
            worker.hand(END);
        }
        List<OfflinePipeline.Results> results = new ArrayList<>();
        for (Worker worker : workers) {
            results.add(worker.await());
        }
        return results;
    }

    @Override
    public void close() {
        if (!finished) {
            workers.forEach(worker -> worker.results.cancel(true));
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void toAll(PipelineInput input) {
        for (Worker worker : workers) {
            worker.add(input);
        }
    }

    /** One pipeline's thread, its queue, and the chunk the caller is filling for it. */
    private static final class Worker {
        final BlockingQueue<List<PipelineInput>> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        List<PipelineInput> pending = new ArrayList<>(CHUNK_INPUTS);
        Future<OfflinePipeline.Results> results;

        OfflinePipeline.Results drive(OfflinePipeline pipeline) throws InterruptedException {
            for (List<PipelineInput> chunk = queue.take(); chunk != END; chunk = queue.take()) {
                chunk.forEach(pipeline::accept);
            }
            return pipeline.finish();
        }

        void add(PipelineInput input) {
            pending.add(input);
            if (pending.size() >= CHUNK_INPUTS) {
                flush();
            }
        }

        void flush() {
            if (!pending.isEmpty()) {
                hand(pending);
                pending = new ArrayList<>(CHUNK_INPUTS);
            }
        }

        /** Queues a chunk, waiting for room while the pipeline runs; its failure is thrown here. */
        void hand(List<PipelineInput> chunk) {
            try {
                while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    if (results.isDone()) {
                        await(); // throws its failure
                        throw new IllegalStateException("an offline pipeline stopped before the end of its input");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while handing events to an offline pipeline", e);
            }
        }

        OfflinePipeline.Results await() {
            try {
                return results.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("an offline pipeline failed: " + cause, cause);
            } catch (CancellationException e) {
                throw new IllegalStateException("an offline pipeline was stopped", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an offline pipeline", e);
            }
        }
    }
}
