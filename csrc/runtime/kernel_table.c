/* Kernel id -> kernel, for every kernel of micro/kernels.def. */
#include <stddef.h>

#include "micro/kernel.h"

#define MICRO_KERNEL(id, NAME, name, access) extern const micro_kernel_t micro_kernel_##name;
#include "micro/kernels.def"
#undef MICRO_KERNEL

static const micro_kernel_t *const table[MICRO_K_COUNT] = {
#define MICRO_KERNEL(id, NAME, name, access) [MICRO_K_##NAME] = &micro_kernel_##name,
#include "micro/kernels.def"
#undef MICRO_KERNEL
};

const micro_kernel_t *micro_kernel_get(uint32_t id)
{
    return id < MICRO_K_COUNT ? table[id] : NULL;
}

static const char *const access_table[MICRO_K_COUNT] = {
#define MICRO_KERNEL(id, NAME, name, access) [MICRO_K_##NAME] = access,
#include "micro/kernels.def"
#undef MICRO_KERNEL
};

const char *micro_kernel_access(uint32_t id)
{
    return id < MICRO_K_COUNT ? access_table[id] : NULL;
}
