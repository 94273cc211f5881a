package io.bridgewatch.collector.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * When an async copy was done, in the CPU-only form (DESIGN 4.1): the host learns it when a synchronization that
 * waited for it returns. A copy is dated by a synchronization of its stream (or its context) on its thread only when
 * no other work was enqueued on the stream between the two (else the synchronization also waited for that work),
 * and by the synchronization of an event recorded on its stream right after it, on whichever thread. Copies no
 * synchronization can date go out without a date. Each copy is handed on exactly once, dated or not.
 */
final class SyncDating {
    /** The async copy at the tail of each stream, not yet followed by other work. */
    private final Map<Long, AgentRecord.Event> streamTails = new HashMap<>();
    /** Copies an event was recorded right after, by event handle. */
    private final Map<Long, AgentRecord.Event> recordedBefore = new HashMap<>();
    private final int maxPending;
    private final BiConsumer<AgentRecord.Event, Long> handOn;

    /** @param handOn takes a copy and the return of the synchronization that dates it, or null */
    SyncDating(int maxPending, BiConsumer<AgentRecord.Event, Long> handOn) {
        this.maxPending = maxPending;
        this.handOn = handOn;
    }

    /** An async copy: the stream's previous tail now has other work after it. */
    void asyncCopy(AgentRecord.Event copy) {
        otherWork(copy.stream());
        streamTails.put(copy.stream(), copy);
        if (streamTails.size() + recordedBefore.size() > maxPending) {
            releaseAll();
        }
    }

    /** Work other than an async copy enqueued on the stream (a kernel, a memset, a synchronous copy). */
    void otherWork(long stream) {
        release(streamTails.remove(stream), null);
    }

    /** An event recorded on a stream: it completes once the stream's tail copy does. */
    void eventRecorded(AgentRecord.Event record) {
        release(recordedBefore.remove(record.bytes()), null); // re-recorded: its synchronization waits for the new one
        AgentRecord.Event tail = streamTails.remove(record.stream());
        if (tail != null) {
            recordedBefore.put(record.bytes(), tail);
        }
    }

    void eventSynchronized(AgentRecord.Event sync) {
        release(recordedBefore.remove(sync.bytes()), sync.endNs());
    }

    void streamSynchronized(AgentRecord.Event sync) {
        AgentRecord.Event tail = streamTails.remove(sync.stream());
        release(tail, tail != null && tail.tid() == sync.tid() ? sync.endNs() : null);
        // Copies recorded before an event on this stream were followed by other work: this waited for that too.
        List<Long> events = new ArrayList<>();
        recordedBefore.forEach((event, copy) -> {
            if (copy.stream() == sync.stream()) {
                events.add(event);
            }
        });
        events.forEach(event -> release(recordedBefore.remove(event), null));
    }

    /** A context synchronization dates the tail copies of its thread in that context; the rest go undated. */
    void contextSynchronized(AgentRecord.Event sync) {
        for (Long stream : List.copyOf(streamTails.keySet())) {
            AgentRecord.Event tail = streamTails.remove(stream);
            boolean dates = tail.tid() == sync.tid() && tail.context() == sync.context();
            release(tail, dates ? sync.endNs() : null);
        }
        for (Long event : List.copyOf(recordedBefore.keySet())) {
            release(recordedBefore.remove(event), null);
        }
    }

    /** Hands on every waiting copy undated (the end of input, or too many waiting). */
    void releaseAll() {
        List.copyOf(streamTails.values()).forEach(copy -> release(copy, null));
        streamTails.clear();
        List.copyOf(recordedBefore.values()).forEach(copy -> release(copy, null));
        recordedBefore.clear();
    }

    private void release(AgentRecord.Event copy, Long syncEndNs) {
        if (copy != null) {
            handOn.accept(copy, syncEndNs);
        }
    }
}
