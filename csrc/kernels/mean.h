/* The integer MEAN / SUM reduction shared by mean_s8 and mean_s16 (internal): one body,
 * the element width a constant at each call so that the compiler specialises it. */
#ifndef MICRO_KERNELS_MEAN_H
#define MICRO_KERNELS_MEAN_H

#include <stdint.h>

#include "micro/kernels/mean_s8.h"
#include "check.h"
#include "fixedpoint.h"
#include "reduce.h"
#include "requant.h"

static inline int32_t micro_mean_load(const void *x, int32_t width, int64_t i)
{
    return width == 1 ? ((const int8_t *)x)[i] : ((const int16_t *)x)[i];
}

/* Elements 1 (int8) or 2 (int16) bytes wide; outputs clamped to that type. */
static inline void micro_mean_run(const micro_mean_s8_params_t *p, const void *input,
                                  int32_t width, int32_t *scratch, void *output)
{
    const int32_t lo = width == 1 ? INT8_MIN : INT16_MIN, hi = width == 1 ? INT8_MAX : INT16_MAX;
    micro_reduce_layout_t l;
    micro_reduce_layout(p->rank, p->dims, p->reduced, &l);
    int64_t x = 0; /* element index of the current row */
    for (int32_t o = 0; o < p->dims[0]; ++o) {
        for (int32_t j = 0; j < l.block_out; ++j) {
            scratch[j] = 0;
        }
        int32_t index[MICRO_REDUCE_MAX_DIMS] = {0};
        int32_t base = 0; /* scratch index of the current row */
        for (int32_t r = 0; r < l.rows; ++r, x += l.inner) {
            if (l.inner_reduced) {
                int32_t sum = 0;
                for (int32_t i = 0; i < l.inner; ++i) {
                    sum += micro_mean_load(input, width, x + i);
                }
                scratch[base] += sum;
            } else {
                int32_t *acc = scratch + base;
                for (int32_t i = 0; i < l.inner; ++i) {
                    acc[i] += micro_mean_load(input, width, x + i);
                }
            }
            base = micro_reduce_next_row(&l, index, base);
        }
        const int64_t first = (int64_t)o * l.block_out;
        for (int32_t j = 0; j < l.block_out; ++j) {
            const int32_t shifted = micro_fx_add(scratch[j], p->bias);
            const int32_t y = micro_clamp(
                micro_requantize_zp(shifted, p->multiplier, p->shift, p->output_zp), lo, hi);
            if (width == 1) {
                ((int8_t *)output)[first + j] = (int8_t)y;
            } else {
                ((int16_t *)output)[first + j] = (int16_t)y;
            }
        }
    }
}

/* The check of either kernel: sums of `count` elements stay inside int32. */
static inline micro_status_t micro_mean_check(const micro_mean_s8_params_t *p,
                                              const uint32_t *size, int32_t width)
{
    int64_t n_in, n_out, count;
    const int32_t lo = width == 1 ? INT8_MIN : INT16_MIN, hi = width == 1 ? INT8_MAX : INT16_MAX;
    if (!micro_reduce_shape_ok(p->rank, p->dims, p->reduced, &n_in, &n_out, &count) ||
        count > INT32_MAX / (-(int64_t)lo) || !micro_in_range(p->output_zp, lo, hi) ||
        p->multiplier < 0 || !micro_in_range(p->shift, -31, 30)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_MEAN_S8_INPUT], n_in, width) ||
        !micro_fits(size[MICRO_MEAN_S8_SCRATCH], micro_mean_s8_scratch_size(p), 1) ||
        !micro_fits(size[MICRO_MEAN_S8_OUTPUT], n_out, width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

#endif
