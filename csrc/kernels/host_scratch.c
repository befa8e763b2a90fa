/*
 * The host twins' per-thread working memory (host_scratch.h). A thread-local array: the C
 * library allocates a thread's copy when that thread first touches it (glibc, for a library
 * loaded by dlopen as Python loads this one) or when the thread starts (musl), and frees it
 * when the thread ends. Aligned by hand to 64 bytes: thread-local storage of a loaded
 * library is not always given a larger alignment than malloc's.
 */
#include "host_scratch.h"

#include <stdint.h>

#if MICRO_HOST_SIMD

static __thread unsigned char scratch[MICRO_HOST_SCRATCH_BYTES + 64];

void *micro_host_scratch(void)
{
    const uintptr_t at = (uintptr_t)scratch;
    return scratch + ((64u - (at & 63u)) & 63u);
}

#else

typedef int micro_host_scratch_unused; /* an empty translation unit is not ISO C */

#endif
