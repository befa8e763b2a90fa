/* The radix plan check of the KISS FFT kernels (internal). */
#ifndef MICRO_KERNELS_KISS_FFT_PLAN_H
#define MICRO_KERNELS_KISS_FFT_PLAN_H

#include <stdint.h>

#include "micro/kernels/signal_irfft_s16.h"
#include "micro/kernels/signal_rfft_s16.h"
#include "micro/status.h"
#include "check.h"

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

/* The IRFFT kernels' check (every type): the plan, and the operands in slot order (input,
 * twiddles, super twiddles, scratch, output) holding elements of `width` bytes. */
static inline micro_status_t micro_kiss_irfft_check(const micro_signal_irfft_s16_params_t *p,
                                                    const uint32_t *size, int64_t width)
{
    const int32_t h = p->half_length;
    if (p->frames < 1 || !micro_kiss_plan_ok(h, p->n_stages, p->radix)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t in = (int64_t)p->frames * 2 * (h + 1);
    if (in > INT32_MAX || !micro_fits(size[0], in, width) ||
        !micro_fits(size[1], 2 * (int64_t)h, width) ||
        !micro_fits(size[2], 2 * (int64_t)(h / 2), width) ||
        !micro_fits(size[3], 2 * (int64_t)h * width, 1) ||
        !micro_fits(size[4], (int64_t)p->frames * 2 * h, width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* The RFFT kernels' check (every type): the plan, and the operands in slot order (input,
 * twiddles, super twiddles, scratch, output) holding elements of `width` bytes. */
static inline micro_status_t micro_kiss_rfft_check(const micro_signal_rfft_s16_params_t *p,
                                                   const uint32_t *size, int64_t width)
{
    const int32_t h = p->half_length;
    /* The plan first: it bounds h, so 2 * h cannot overflow. */
    if (p->frames < 1 || !micro_kiss_plan_ok(h, p->n_stages, p->radix) ||
        !micro_in_range(p->input_length, 1, 2 * h)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t out = (int64_t)p->frames * 2 * (h + 1);
    if (!micro_fits(size[0], (int64_t)p->frames * p->input_length, width) ||
        !micro_fits(size[1], 2 * (int64_t)h, width) ||
        !micro_fits(size[2], 2 * (int64_t)(h / 2), width) ||
        !micro_fits(size[3], 2 * (int64_t)h * width, 1) || out > INT32_MAX ||
        !micro_fits(size[4], out, width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

#endif
