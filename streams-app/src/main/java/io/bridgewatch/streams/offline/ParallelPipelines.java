package io.bridgewatch.streams.offline;

import io.bridgewatch.schema.EventSink;
import java.util.ArrayList;
import java.util.Collections;
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
public final class ParallelPipelines implements AutoCloseable {
    /** Inputs per hand-over: a queue operation per input would cost more than encoding it. */
    private static final int CHUNK_INPUTS = 1024;
    /** Chunks waiting per pipeline, at most: how far the reader may run ahead. */
    private static final int QUEUED_CHUNKS = 8;
    /** The end of a pipeline's input (told apart by identity). */
    private static final List<PipelineInput> END = Collections.unmodifiableList(new ArrayList<>());
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

    /** A sink into every pipeline: each event encoded once for all of them. */
    public EventSink toAll() {
        return new PipelineInputSink(input -> workers.forEach(worker -> worker.add(input)));
    }

    /** A sink into one of the pipelines alone (by its place in the list given), in order with what all get. */
    public EventSink only(int pipeline) {
        return new PipelineInputSink(workers.get(pipeline)::add);
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
