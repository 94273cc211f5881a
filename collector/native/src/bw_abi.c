/* ABI rows and their lookup (see bw_abi.h). Pure; tested by tests/test_abi.c. */
#include "bw_abi.h"

#include <stddef.h>
#include <string.h>

struct row {
    const char *name;
    int since;
    const char *legacy;
    const char *per_thread;
    int id; /* a wrapped row's id, or BW_ABI_PASSED */
};

#define WRAPPED_ROW(id, name, since, legacy, per_thread) {name, since, legacy, per_thread, BW_ABI_##id},
#define PASSED_ROW(name, since, legacy) {name, since, legacy, NULL, BW_ABI_PASSED},
static const struct row rows[] = {BW_WRAPPED_ABIS(WRAPPED_ROW) BW_PASSED_ABIS(PASSED_ROW)};
#undef WRAPPED_ROW
#undef PASSED_ROW

#define ROWS ((int) (sizeof(rows) / sizeof(rows[0])))

const char *bw_abi_export_for_version(const char *name, int cuda_version, int per_thread) {
    int best = -1;
    for (int i = 0; i < ROWS; i++) {
        if (strcmp(rows[i].name, name) == 0 && rows[i].since <= cuda_version
                && (best < 0 || rows[i].since > rows[best].since)) {
            best = i;
        }
    }
    if (best < 0) {
        return NULL;
    }
    return per_thread && rows[best].per_thread != NULL ? rows[best].per_thread : rows[best].legacy;
}

int bw_abi_for_version(const char *name, int cuda_version) {
    const char *symbol = bw_abi_export_for_version(name, cuda_version, 0);
    int per_thread;
    return symbol != NULL ? bw_abi_for_export(symbol, &per_thread) : BW_ABI_UNWATCHED;
}

int bw_abi_for_export(const char *symbol, int *per_thread) {
    for (int i = 0; i < ROWS; i++) {
        if (strcmp(rows[i].legacy, symbol) == 0) {
            *per_thread = 0;
            return rows[i].id;
        }
        if (rows[i].per_thread != NULL && strcmp(rows[i].per_thread, symbol) == 0) {
            *per_thread = 1;
            return rows[i].id;
        }
    }
    *per_thread = 0;
    return BW_ABI_UNWATCHED;
}

/* Wrapped rows come first, in id order. */
const char *bw_abi_export(int id, int per_thread) {
    return per_thread && rows[id].per_thread != NULL ? rows[id].per_thread : rows[id].legacy;
}

const char *bw_abi_name(int id) {
    return rows[id].name;
}

int bw_abi_since(int id) {
    return rows[id].since;
}
