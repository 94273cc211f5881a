package io.bridgewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewatch.schema.Direction;
import io.bridgewatch.schema.HostMemoryKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN 4.1's CPU-only dating: a synchronization dates only the copies it waited for and nothing else. */
class SyncDatingTest {
    private static final long STREAM = 7;
    private static final long THREAD = 1;
    private static final long UNDATED = -1;
    /** Each copy handed on, by correlation id, with its date or UNDATED. */
    private final Map<Long, Long> handedOn = new LinkedHashMap<>();
    private final SyncDating dating = new SyncDating(1000, (copy, syncEnd) -> {
        assertThat(handedOn).as("each copy is handed on once").doesNotContainKey(copy.correlation());
        handedOn.put(copy.correlation(), syncEnd == null ? UNDATED : syncEnd);
    });

    @Test
    void shouldDateACopyByTheStreamSynchronizationThatFollowsItOnItsThread() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.streamSynchronized(call(AgentApi.STREAM_SYNCHRONIZE, STREAM, THREAD, 0, 500));

        assertThat(handedOn).containsExactly(Map.entry(1L, 500L));
    }

    @Test
    void shouldLeaveACopyUndatedWhenOtherWorkCameBetweenItAndTheSynchronization() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.asyncCopy(copy(2, STREAM, THREAD)); // the synchronization waits for this one too
        dating.streamSynchronized(call(AgentApi.STREAM_SYNCHRONIZE, STREAM, THREAD, 0, 500));
        dating.asyncCopy(copy(3, STREAM, THREAD));
        dating.otherWork(STREAM); // a kernel
        dating.streamSynchronized(call(AgentApi.STREAM_SYNCHRONIZE, STREAM, THREAD, 0, 900));

        assertThat(handedOn).containsExactly(Map.entry(1L, UNDATED), Map.entry(2L, 500L), Map.entry(3L, UNDATED));
    }

    @Test
    void shouldLeaveACopyUndatedBySynchronizationsOfAnotherThreadOrStream() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.streamSynchronized(call(AgentApi.STREAM_SYNCHRONIZE, 9, THREAD, 0, 400));
        assertThat(handedOn).isEmpty();
        dating.streamSynchronized(call(AgentApi.STREAM_SYNCHRONIZE, STREAM, 2, 0, 500));

        assertThat(handedOn).containsExactly(Map.entry(1L, UNDATED));
    }

    @Test
    void shouldDateTheCopiesRecordedBeforeAnEventByItsSynchronizationOnAnyThread() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.eventRecorded(call(AgentApi.EVENT_RECORD, STREAM, THREAD, 0xE1, 100));
        dating.otherWork(STREAM); // the next step's kernels: the event does not wait for them
        dating.eventSynchronized(call(AgentApi.EVENT_SYNCHRONIZE, 0, 2, 0xE1, 700));

        assertThat(handedOn).containsExactly(Map.entry(1L, 700L));
    }

    @Test
    void shouldDateOnlyWhatAnEventWasLastRecordedAfter() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.eventRecorded(call(AgentApi.EVENT_RECORD, STREAM, THREAD, 0xE1, 100));
        dating.asyncCopy(copy(2, STREAM, THREAD));
        dating.eventRecorded(call(AgentApi.EVENT_RECORD, STREAM, THREAD, 0xE1, 200));
        dating.eventSynchronized(call(AgentApi.EVENT_SYNCHRONIZE, 0, THREAD, 0xE1, 700));

        assertThat(handedOn).containsExactly(Map.entry(1L, UNDATED), Map.entry(2L, 700L));
    }

    @Test
    void shouldDateByAContextSynchronizationTheTailCopiesOfItsThreadInThatContext() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.asyncCopy(copy(2, 9, 2));
        dating.contextSynchronized(call(AgentApi.CTX_SYNCHRONIZE, 0, THREAD, 0, 800));

        assertThat(handedOn).containsEntry(1L, 800L).containsEntry(2L, UNDATED).hasSize(2);
    }

    @Test
    void shouldHandOnEveryWaitingCopyUndatedAtTheEnd() {
        dating.asyncCopy(copy(1, STREAM, THREAD));
        dating.asyncCopy(copy(2, 9, THREAD));
        dating.eventRecorded(call(AgentApi.EVENT_RECORD, 9, THREAD, 0xE1, 100));
        dating.releaseAll();

        assertThat(handedOn).containsOnlyKeys(1L, 2L).containsValues(UNDATED, UNDATED);
    }

    private static AgentRecord.Event copy(long correlation, long stream, long tid) {
        return new AgentRecord.Event(false, AgentApi.MEMCPY_DTOH_ASYNC, Direction.D2H, HostMemoryKind.PINNED, 0, 1,
                tid, 0, true, 1, stream, correlation, 4096, correlation * 10, correlation * 10 + 5, List.of(),
                List.of(), "");
    }

    /** A synchronization or event record: the event handle goes in bytes, as the agent writes it. */
    private static AgentRecord.Event call(AgentApi api, long stream, long tid, long event, long endNs) {
        return new AgentRecord.Event(false, api, Direction.UNKNOWN, HostMemoryKind.UNKNOWN, 0, 1, tid, 0, false, 1,
                stream, 99, event, endNs - 10, endNs, List.of(), List.of(), "");
    }
}
