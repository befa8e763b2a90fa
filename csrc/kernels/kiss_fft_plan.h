/* The radix plan check of the KISS FFT kernels (internal). */
#ifndef MICRO_KERNELS_KISS_FFT_PLAN_H
#define MICRO_KERNELS_KISS_FFT_PLAN_H

#include <stdint.h>

#include "micro/kernels/signal_rfft_s16.h"

/* 1 if H in [2, 65536] is the product of n_stages radices, each in {2, 3, 4, 5}. */
static inline int micro_kiss_plan_ok(int32_t h, int32_t n_stages, const int32_t *radices)
{
    if (h < 2 || h > 65536 || n_stages < 1 || n_stages > MICRO_SIGNAL_RFFT_MAX_STAGES) {
        return 0;
    }
    int64_t product = 1;
    for (int32_t s = 0; s < n_stages; ++s) {
        if (radices[s] < 2 || radices[s] > 5) {
            return 0;
        }
        product *= radices[s];
    }
    return product == h;
}

#endif
