package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeEventBatch;
import io.bridgewatch.schema.ServingSample;
import io.bridgewatch.schema.topics.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events of a {@link NodeEventBatch}: each element is the single-object encoding a per-event topic would carry,
 * so an element is read by the serde of the per-event topic whose schemas know its fingerprint.
 */
public final class NodeEventCodec {
    private static final SingleObjectSerde<Crossing> CROSSINGS = BridgewatchSerdes.crossing();
    private static final SingleObjectSerde<KernelExec> KERNELS = BridgewatchSerdes.kernelExec();
    private static final SingleObjectSerde<ServingSample> SERVING = BridgewatchSerdes.servingSample();

    private NodeEventCodec() {
    }

    /** The per-event topic of an event type, which also names the pipeline input it feeds. */
    public static String topicOf(SpecificRecord event) {
        if (event instanceof Crossing) {
            return Topics.CROSSINGS;
        }
        if (event instanceof KernelExec) {
            return Topics.KERNELS;
        }
        if (event instanceof ServingSample) {
            return Topics.SERVING;
        }
        throw new IllegalArgumentException("not a node event: " + event.getClass().getName());
    }

    /**
     * Whether collectors send a per-event topic's events in node event batches: copies and kernels, whose order
     * decides a node's results. Serving samples (one a second) keep their own topic, which dashboards read; the
     * pipeline reads them from batches too.
     */
    public static boolean isBatched(String topic) {
        return topic.equals(Topics.CROSSINGS) || topic.equals(Topics.KERNELS);
    }

    public static byte[] encode(SpecificRecord event) {
        if (event instanceof Crossing c) {
            return CROSSINGS.serialize(Topics.CROSSINGS, c);
        }
        if (event instanceof KernelExec k) {
            return KERNELS.serialize(Topics.KERNELS, k);
        }
        if (event instanceof ServingSample s) {
            return SERVING.serialize(Topics.SERVING, s);
        }
        throw new IllegalArgumentException("not a node event: " + event.getClass().getName());
    }

    public static NodeEventBatch batch(String nodeId, List<byte[]> encodedEvents) {
        List<ByteBuffer> events = new ArrayList<>(encodedEvents.size());
        for (byte[] event : encodedEvents) {
            events.add(ByteBuffer.wrap(event));
        }
        return new NodeEventBatch(nodeId, events);
    }

    /** One element as its event; a {@link SchemaDecodingException} says why when no known schema reads it. */
    public static SpecificRecord decode(byte[] element) {
        return decode(element, null, null);
    }

    /**
     * One element as its event, a copy read into {@code crossing} and a kernel into {@code kernel} when given (their
     * fields overwritten: for a caller that keeps nothing of an event once it has handled it; a serving sample is
     * always new); a {@link SchemaDecodingException} says why when no known schema reads it.
     */
    public static SpecificRecord decode(byte[] element, Crossing crossing, KernelExec kernel) {
        return decode(element, 0, element.length, crossing, kernel);
    }

    private static SchemaDecodingException unknown(int length) {
        return new SchemaDecodingException("cannot decode an event of a node event batch (" + length
                + " bytes): not the single-object encoding of a known Crossing, KernelExec or ServingSample schema"
                + " (a newer producer?)");
    }

    /**
     * One element, read where it lies (a view of a batch record's bytes, as the batch's serde hands them out), a copy
     * read into {@code crossing} and a kernel into {@code kernel} when given, as {@link #decode(byte[], Crossing,
     * KernelExec)} reads a copy of it.
     */
    public static SpecificRecord decode(ByteBuffer element, Crossing crossing, KernelExec kernel) {
        if (!element.hasArray()) {
            return decode(bytes(element), crossing, kernel);
        }
        return decode(element.array(), element.arrayOffset() + element.position(), element.remaining(), crossing,
                kernel);
    }

    /**
     * Element {@code index} of a batch read by the batch serde, read where it lies, as
     * {@link #decode(ByteBuffer, Crossing, KernelExec)} reads a view of it.
     */
    public static SpecificRecord decode(BatchElements elements, int index, Crossing crossing, KernelExec kernel) {
        return decode(elements.array(), elements.offset(index), elements.length(index), crossing, kernel);
    }

    private static SpecificRecord decode(byte[] data, int offset, int length, Crossing crossing, KernelExec kernel) {
        SpecificRecord event = CROSSINGS.deserializeIfKnown(Topics.CROSSINGS, data, offset, length, crossing);
        if (event == null) {
            event = KERNELS.deserializeIfKnown(Topics.KERNELS, data, offset, length, kernel);
        }
        if (event == null) {
            event = SERVING.deserializeIfKnown(Topics.SERVING, data, offset, length, null);
        }
        if (event != null) {
            return event;
        }
        throw unknown(length);
    }

    /**
     * The bytes of one element: the buffer's own array when it is exactly the element (as Avro's decoder hands them
     * out), else a copy (a view of a larger array).
     */
    public static byte[] bytes(ByteBuffer element) {
        if (element.hasArray() && element.arrayOffset() == 0 && element.position() == 0
                && element.remaining() == element.array().length) {
            return element.array();
        }
        ByteBuffer view = element.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** Every event of a batch, in order; throws on the first element that cannot be read. */
    public static List<SpecificRecord> events(NodeEventBatch batch) {
        List<SpecificRecord> events = new ArrayList<>(batch.getEvents().size());
        for (ByteBuffer element : batch.getEvents()) {
            events.add(decode(element, null, null));
        }
        return events;
    }
}
