package io.bridgewatch.collector.redact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the collector blurs before anything leaves the CVM: kernel names (kept, replaced by a keyed hash, or
 * dropped), copy sizes (rounded up to a power of two) and timestamps (rounded down to a resolution). Each trades a
 * side channel about the model and its traffic for precision of some figures; the README tables how far each moves
 * them.
 *
 * @param kernelNames what happens to kernel names
 * @param key the hash key of {@link KernelNames#HASH} (so that names cannot be found by hashing guesses)
 * @param sizeBuckets copy sizes to powers of two
 * @param timeResolutionNs timestamps rounded down to multiples of this; 0 keeps them
 */
public record Redaction(KernelNames kernelNames, byte[] key, boolean sizeBuckets, long timeResolutionNs) {
    public static final Redaction NONE = new Redaction(KernelNames.KEEP, new byte[0], false, 0);

    /** What happens to kernel names. */
    public enum KernelNames {
        KEEP, HASH, DROP;

        public static KernelNames of(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kernel names are keep, hash or drop, not '" + text + "'", e);
            }
        }
    }

    public Redaction {
        if (kernelNames == KernelNames.HASH && key.length < 16) {
            throw new IllegalArgumentException("hashing kernel names needs a key of at least 16 bytes");
        }
        if (timeResolutionNs < 0) {
            throw new IllegalArgumentException("the time resolution cannot be negative");
        }
        key = key.clone();
    }

    public boolean isNone() {
        return kernelNames == KernelNames.KEEP && !sizeBuckets && timeResolutionNs == 0;
    }

    /** The key from a file (its bytes as they are), kept out of the config file. */
    public static byte[] keyFrom(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the redaction key " + file + ": " + e.getMessage(), e);
        }
    }

    public Redaction withKernelNames(KernelNames names, byte[] hashKey) {
        return new Redaction(names, hashKey, sizeBuckets, timeResolutionNs);
    }

    public Redaction withSizeBuckets(boolean buckets) {
        return new Redaction(kernelNames, key, buckets, timeResolutionNs);
    }

    public Redaction withTimeResolutionNs(long resolutionNs) {
        return new Redaction(kernelNames, key, sizeBuckets, resolutionNs);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        if (kernelNames != KernelNames.KEEP) {
            text.append("kernel names ").append(kernelNames.name().toLowerCase(Locale.ROOT));
        }
        if (sizeBuckets) {
            text.append(text.isEmpty() ? "" : ", ").append("sizes to powers of two");
        }
        if (timeResolutionNs > 0) {
            text.append(text.isEmpty() ? "" : ", ").append("times to ").append(timeResolutionNs / 1_000).append(" us");
        }
        return text.toString();
    }
}
