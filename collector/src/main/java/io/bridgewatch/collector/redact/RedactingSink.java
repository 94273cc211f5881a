package io.bridgewatch.collector.redact;

import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.EventSink;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Applies a {@link Redaction} to every event on its way to the sink (the collector's producer). */
public final class RedactingSink implements EventSink {
    private static final String HASH_PREFIX = "k:";
    private static final int HASH_HEX_CHARS = 16;

    private final EventSink next;
    private final Redaction redaction;
    private final Mac mac;

    public RedactingSink(EventSink next, Redaction redaction) {
        this.next = next;
        this.redaction = redaction;
        this.mac = redaction.kernelNames() == Redaction.KernelNames.HASH ? mac(redaction.key()) : null;
    }

    /** The sink itself when there is nothing to redact. */
    public static EventSink around(EventSink next, Redaction redaction) {
        return redaction.isNone() ? next : new RedactingSink(next, redaction);
    }

    @Override
    public void nodeInfo(NodeInfo info) {
        next.nodeInfo(info);
    }

    @Override
    public void crossing(Crossing crossing) {
        Crossing c = Crossing.newBuilder(crossing).build();
        if (redaction.sizeBuckets() && c.getBytesKnown()) {
            c.setBytes(bucket(c.getBytes()));
        }
        c.setApiStartNs(time(c.getApiStartNs()));
        c.setApiEndNs(time(c.getApiEndNs()));
        c.setGpuStartNs(time(c.getGpuStartNs()));
        c.setGpuEndNs(time(c.getGpuEndNs()));
        c.setHostSyncEndNs(time(c.getHostSyncEndNs()));
        next.crossing(c);
    }

    @Override
    public void kernel(KernelExec kernel) {
        KernelExec k = KernelExec.newBuilder(kernel).build();
        k.setKernelName(name(k.getKernelName().toString()));
        k.setApiStartNs(time(k.getApiStartNs()));
        k.setApiEndNs(time(k.getApiEndNs()));
        k.setGpuStartNs(time(k.getGpuStartNs()));
        k.setGpuEndNs(time(k.getGpuEndNs()));
        next.kernel(k);
    }

    @Override
    public void serving(ServingSample sample) {
        ServingSample s = ServingSample.newBuilder(sample).build();
        s.setIntervalStartNs(time(s.getIntervalStartNs()));
        s.setIntervalEndNs(time(s.getIntervalEndNs()));
        next.serving(s);
    }

    @Override
    public void flush() throws InterruptedException {
        next.flush();
    }

    /** The smallest power of two not below the size (0 stays 0). */
    static long bucket(long bytes) {
        return bytes <= 1 ? bytes : Long.highestOneBit(bytes - 1) << 1;
    }

    private Long time(Long ns) {
        return ns == null ? null : time(ns.longValue());
    }

    private long time(long ns) {
        long resolution = redaction.timeResolutionNs();
        return resolution == 0 ? ns : Math.floorDiv(ns, resolution) * resolution;
    }

    private String name(String kernelName) {
        return switch (redaction.kernelNames()) {
            case KEEP -> kernelName;
            case DROP -> "";
            case HASH -> {
                byte[] digest;
                synchronized (mac) {
                    digest = mac.doFinal(kernelName.getBytes(StandardCharsets.UTF_8));
                }
                yield HASH_PREFIX + HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
            }
        };
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e, e);
        }
    }
}
