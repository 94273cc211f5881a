/* ABI rows: a lookup resolves to the newest signature not above the version asked for, as the driver does. */
#include <stdio.h>
#include <string.h>

#include "bw_abi.h"
#include "check.h"

static void each_version_gets_its_own_signature(void) {
    CHECK(bw_abi_for_version("cuCtxSynchronize", 12080) == BW_ABI_ctx_sync_v2000);
    CHECK(bw_abi_for_version("cuCtxSynchronize", 13000) == BW_ABI_ctx_sync_v13000);
    CHECK(bw_abi_for_version("cuMemcpyBatchAsync", 12080) == BW_ABI_batch_v12080);
    CHECK(bw_abi_for_version("cuMemcpyBatchAsync", 12090) == BW_ABI_batch_v12080);
    CHECK(bw_abi_for_version("cuMemcpyBatchAsync", 13000) == BW_ABI_batch_v13000);
    CHECK(bw_abi_for_version("cuMemcpy3DBatchAsync", 13000) == BW_ABI_batch3d_v13000);
    CHECK(bw_abi_for_version("cuMemcpyHtoD", 11030) == BW_ABI_htod);
    CHECK(bw_abi_for_version("cuMemcpyHtoD", 13000) == BW_ABI_htod);
}

static void old_and_unknown_signatures_are_not_wrapped(void) {
    CHECK(bw_abi_for_version("cuMemcpyHtoD", 3010) == BW_ABI_PASSED);    /* 32-bit pointers */
    CHECK(bw_abi_for_version("cuMemcpyHtoD", 1000) == BW_ABI_UNWATCHED); /* before any signature */
    CHECK(bw_abi_for_version("cuMemcpyBatchAsync", 12060) == BW_ABI_UNWATCHED);
    CHECK(bw_abi_for_version("cuMemHostRegister", 5050) == BW_ABI_PASSED);
    CHECK(bw_abi_for_version("cuDeviceGet", 13000) == BW_ABI_UNWATCHED);
}

static void exported_names_name_one_signature_and_stream_variant(void) {
    int per_thread = -1;
    CHECK(bw_abi_for_export("cuMemcpyHtoD", &per_thread) == BW_ABI_PASSED);
    CHECK(bw_abi_for_export("cuMemcpyHtoD_v2", &per_thread) == BW_ABI_htod && per_thread == 0);
    CHECK(bw_abi_for_export("cuMemcpyHtoD_v2_ptds", &per_thread) == BW_ABI_htod && per_thread == 1);
    CHECK(bw_abi_for_export("cuMemcpyBatchAsync", &per_thread) == BW_ABI_batch_v12080 && per_thread == 0);
    CHECK(bw_abi_for_export("cuMemcpyBatchAsync_v2_ptsz", &per_thread) == BW_ABI_batch_v13000 && per_thread == 1);
    CHECK(bw_abi_for_export("cuCtxSynchronize", &per_thread) == BW_ABI_ctx_sync_v2000);
    CHECK(bw_abi_for_export("cuCtxSynchronize_v2", &per_thread) == BW_ABI_ctx_sync_v13000);
    CHECK(bw_abi_for_export("cuMemcpyHtoD_v3", &per_thread) == BW_ABI_UNWATCHED);
    CHECK(strcmp(bw_abi_export(BW_ABI_htod_async, 1), "cuMemcpyHtoDAsync_v2_ptsz") == 0);
    CHECK(strcmp(bw_abi_export(BW_ABI_alloc, 1), "cuMemAlloc_v2") == 0); /* no per-thread variant */
}

static void every_wrapped_row_is_found_by_its_own_names(void) {
    for (int id = 0; id < BW_ABI_COUNT; id++) {
        int per_thread = -1;
        CHECK(bw_abi_for_export(bw_abi_export(id, 0), &per_thread) == id && per_thread == 0);
        CHECK(bw_abi_for_version(bw_abi_name(id), bw_abi_since(id)) == id);
    }
}

int main(void) {
    each_version_gets_its_own_signature();
    old_and_unknown_signatures_are_not_wrapped();
    exported_names_name_one_signature_and_stream_variant();
    every_wrapped_row_is_found_by_its_own_names();
    printf("test_abi: ok\n");
    return 0;
}
