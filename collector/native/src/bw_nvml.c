/*
 * Node facts for the NodeInfo: GPU SKU and UUIDs, driver, CUDA version, and the confidential-computing state
 * (nvmlSystemGetConfComputeState). NVML is opened at run time, so the agent needs no NVML at build time and works
 * (saying so) where there is none.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bw_agent.h"

/* The few NVML declarations used (nvml.h, stable ABI). */
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct {
    unsigned int environment;
    unsigned int ccFeature;    /* 0 disabled, 1 enabled */
    unsigned int devToolsMode; /* 0 off, 1 on */
} nvmlConfComputeSystemState_t;

typedef int (*nvml_init_t)(void);
typedef int (*nvml_shutdown_t)(void);
typedef int (*nvml_driver_version_t)(char *, unsigned int);
typedef int (*nvml_cc_state_t)(nvmlConfComputeSystemState_t *);
typedef int (*nvml_count_t)(unsigned int *);
typedef int (*nvml_handle_t)(unsigned int, nvmlDevice_t *);
typedef int (*nvml_string_t)(nvmlDevice_t, char *, unsigned int);
typedef int (*cu_driver_version_t)(int *);

static void append(char *out, size_t size, const char *format, ...) {
    size_t used = strlen(out);
    if (used + 1 >= size) {
        return;
    }
    va_list args;
    va_start(args, format);
    vsnprintf(out + used, size - used, format, args);
    va_end(args);
}

static void describe_cuda(char *out, size_t size) {
    void *cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (cuda == NULL) {
        return;
    }
    cu_driver_version_t version = (cu_driver_version_t) dlsym(cuda, "cuDriverGetVersion");
    int v = 0;
    if (version != NULL && version(&v) == 0) {
        append(out, size, "cuda=%d.%d\n", v / 1000, (v % 1000) / 10);
    }
    dlclose(cuda);
}

void bw_describe_node(char *out, size_t size) {
    out[0] = '\0';
    char host[128] = "";
    gethostname(host, sizeof(host) - 1);
    append(out, size, "host=%s\npid=%u\nagent_mode=interposition\ncupti=off\n", host, bw_pid());
    describe_cuda(out, size);
    void *nvml = dlopen("libnvidia-ml.so.1", RTLD_LAZY);
    if (nvml == NULL) {
        append(out, size, "nvml=unavailable\ncc_mode=UNKNOWN\n");
        return;
    }
    nvml_init_t init = (nvml_init_t) dlsym(nvml, "nvmlInit_v2");
    nvml_shutdown_t shutdown = (nvml_shutdown_t) dlsym(nvml, "nvmlShutdown");
    if (init == NULL || shutdown == NULL || init() != 0) {
        append(out, size, "nvml=init failed\ncc_mode=UNKNOWN\n");
        dlclose(nvml);
        return;
    }
    char driver[96] = "";
    nvml_driver_version_t driver_version = (nvml_driver_version_t) dlsym(nvml, "nvmlSystemGetDriverVersion");
    if (driver_version != NULL && driver_version(driver, sizeof(driver)) == 0) {
        append(out, size, "driver=%s\n", driver);
    }
    nvmlConfComputeSystemState_t cc;
    nvml_cc_state_t cc_state = (nvml_cc_state_t) dlsym(nvml, "nvmlSystemGetConfComputeState");
    if (cc_state != NULL && cc_state(&cc) == 0) {
        append(out, size, "cc_mode=%s\n", cc.ccFeature == 0 ? "OFF" : cc.devToolsMode ? "DEVTOOLS" : "ON");
    } else {
        append(out, size, "cc_mode=UNKNOWN\n");
    }
    unsigned int count = 0;
    nvml_count_t device_count = (nvml_count_t) dlsym(nvml, "nvmlDeviceGetCount_v2");
    nvml_handle_t handle_of = (nvml_handle_t) dlsym(nvml, "nvmlDeviceGetHandleByIndex_v2");
    nvml_string_t name_of = (nvml_string_t) dlsym(nvml, "nvmlDeviceGetName");
    nvml_string_t uuid_of = (nvml_string_t) dlsym(nvml, "nvmlDeviceGetUUID");
    if (device_count != NULL && handle_of != NULL && name_of != NULL && uuid_of != NULL
            && device_count(&count) == 0) {
        append(out, size, "gpu_count=%u\ngpu_uuid=", count);
        char name[96] = "";
        for (unsigned int i = 0; i < count; i++) {
            nvmlDevice_t device;
            char uuid[96] = "";
            if (handle_of(i, &device) == 0 && uuid_of(device, uuid, sizeof(uuid)) == 0) {
                append(out, size, "%s%s", i == 0 ? "" : ",", uuid);
                if (i == 0) {
                    name_of(device, name, sizeof(name));
                }
            }
        }
        append(out, size, "\ngpu_sku=%s\n", name);
    }
    append(out, size, "nvml=ok\n");
    shutdown();
    dlclose(nvml);
}
