package io.bridgewatch.simulator;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The non-decode phases a node goes through: a model load at start and periodic KV-cache restores. */
public record PhasePlan(ModelLoad modelLoad, KvRestore kvRestore) {
    public static final PhasePlan DEFAULTS = new PhasePlan(null, null);

    public PhasePlan {
        modelLoad = modelLoad == null ? ModelLoad.DEFAULTS : modelLoad;
        kvRestore = kvRestore == null ? KvRestore.DEFAULTS : kvRestore;
    }

    /**
     * Weights uploaded tensor by tensor from pageable memory (the naive path), or, with the context-pool-load
     * mitigation, from pinned buffers through {@code poolContexts} CUDA contexts in parallel.
     */
    public record ModelLoad(
            @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long bytes,
            @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long tensorBytes,
            Integer poolContexts) {
        public static final ModelLoad DEFAULTS = new ModelLoad(null, null, null);

        public ModelLoad {
            bytes = bytes == null ? 1L << 30 : bytes;
            tensorBytes = tensorBytes == null ? 64L << 20 : tensorBytes;
            poolContexts = poolContexts == null ? 4 : poolContexts;
            if (bytes < 0 || tensorBytes <= 0 || poolContexts < 1) {
                throw new IllegalArgumentException("model_load needs bytes >= 0, tensor_bytes > 0, pool_contexts >= 1");
            }
        }
    }

    /**
     * A request whose prefix KV cache was offloaded: its blocks come back H2D (one crossing per block, or one
     * coalesced crossing with batched-kv-restore), then the rest of the prompt is prefilled. Meanwhile the request it
     * displaces is offloaded: {@code offloadBlocks} blocks go D2H on a stream and thread of their own (a KV offload
     * connector's), so that without CC the two directions' copy engines overlap the swap-out with the restore.
     */
    public record KvRestore(
            @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long every,
            @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long firstAfterLoad,
            Integer blocks,
            @JsonDeserialize(using = UnitDeserializers.Bytes.class) Long blockBytes,
            @JsonDeserialize(using = UnitDeserializers.DurationNanos.class) Long prefillCompute,
            Integer offloadBlocks) {
        public static final KvRestore DEFAULTS = new KvRestore(null, null, null, null, null, null);

        public KvRestore {
            every = every == null ? 15_000_000_000L : every;
            firstAfterLoad = firstAfterLoad == null ? 2_000_000_000L : firstAfterLoad;
            blocks = blocks == null ? 64 : blocks;
            blockBytes = blockBytes == null ? 2L << 20 : blockBytes;
            prefillCompute = prefillCompute == null ? 20_000_000L : prefillCompute;
            offloadBlocks = offloadBlocks == null ? blocks : offloadBlocks;
            if (every <= 0 || blocks < 1 || blockBytes <= 0 || prefillCompute < 0 || offloadBlocks < 0) {
                throw new IllegalArgumentException(
                        "kv_restore needs every > 0, blocks >= 1, block_bytes > 0, offload_blocks >= 0");
            }
        }
    }
}
