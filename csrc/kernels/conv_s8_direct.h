/*
 * CONV_2D int8 (internal): what micro_conv_s8's paths share, and its path without im2col
 * scratch (conv_s8_direct.c), taken when the compiler left the scratch out to shrink the
 * arena.
 */
#ifndef MICRO_KERNELS_CONV_S8_DIRECT_H
#define MICRO_KERNELS_CONV_S8_DIRECT_H

#include <stdint.h>

#include "micro/config.h"
#include "micro/kernels/conv_s8.h"
#include "requant.h"

/* R, the padded filter row (see the header). */
static inline int32_t micro_conv_s8_row_size(const micro_conv_s8_params_t *p)
{
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    return (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN * MICRO_CONV_S8_K_ALIGN;
}

/* The output's zero point and clamp, copied out of the params: an int8 store may alias
 * anything, so fields read after one would be reloaded every time. */
typedef struct {
    int32_t zp, lo, hi;
} micro_conv_out_t;

static inline int8_t micro_conv_s8_finish(micro_conv_out_t r, int32_t acc, int32_t bias,
                                          int32_t multiplier, int32_t shift)
{
    /* The bias add wraps like TFLM's int32 accumulator would. */
    const int32_t total = (int32_t)((uint32_t)acc + (uint32_t)bias);
    const int32_t out = micro_requantize_zp(total, multiplier, shift, r.zp);
    return (int8_t)micro_clamp(out, r.lo, r.hi);
}

/* The convolution straight from the int8 input, two pixels of an output row x two filters
 * per pass: the same int32 sums, so the same bytes, as the im2col path. */
void micro_conv_s8_direct(const micro_conv_s8_params_t *p, const int8_t *input,
                          const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                          const int32_t *shift, int8_t *output);

#endif
