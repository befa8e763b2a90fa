#include "micro/kernels/average_pool_s8.h"

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/average_pool_s8_dsp.h"
#include "pool.h"
#include "requant.h"

/* (sum > 0 ? sum + half : sum - half) / count with C's truncation, count = the divisor. */
static inline int8_t average(int32_t sum, uint32_t half, micro_divisor_t div, int32_t lo,
                             int32_t hi)
{
    const uint32_t magnitude = (uint32_t)(sum > 0 ? sum : -sum) + half;
    const int32_t q = (int32_t)(((uint64_t)magnitude * div.m) >> div.k);
    return (int8_t)micro_clamp(sum > 0 ? q : -q, lo, hi);
}

/* One output pixel, channels in vectorisable blocks. The sums gather in int16 (whose
 * accumulators vectorise twice as densely), moved to int32 every 256 taps: 256 int8 values
 * sum to [-32768, 32512], inside int16. */
static void pixel(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const micro_pool_s8_params_t *p = ctx;
    const int32_t depth = p->channels;
    const uint32_t count = (uint32_t)(w->rows * w->cols);
    const uint32_t half = count / 2u;
    const micro_divisor_t div = micro_divisor(count);
    int16_t part[MICRO_POOL_BLOCK];
    int32_t sum[MICRO_POOL_BLOCK];
    for (int32_t c0 = 0; c0 < depth; c0 += MICRO_POOL_BLOCK, out += MICRO_POOL_BLOCK) {
        const int32_t n = depth - c0 < MICRO_POOL_BLOCK ? depth - c0 : MICRO_POOL_BLOCK;
        for (int32_t i = 0; i < n; ++i) {
            part[i] = 0;
            sum[i] = 0;
        }
        int32_t taps = 0;
        for (int32_t fy = 0; fy < w->rows; ++fy) {
            const int8_t *px = w->corner + (int64_t)fy * w->row_step + c0;
            for (int32_t fx = 0; fx < w->cols; ++fx, px += depth) {
                for (int32_t i = 0; i < n; ++i) {
                    part[i] = (int16_t)(part[i] + px[i]);
                }
                if (++taps == 256) {
                    for (int32_t i = 0; i < n; ++i) {
                        sum[i] += part[i];
                        part[i] = 0;
                    }
                    taps = 0;
                }
            }
        }
        for (int32_t i = 0; i < n; ++i) {
            out[i] = average(sum[i] + part[i], half, div, p->act_min, p->act_max);
        }
    }
}

/* One output row of a narrow input with at most 256 taps: the int16 sums over the
 * window's rows into a zero-padded row, then per output the sum of its filter_w columns
 * (padding adds nothing; the count is of the taps inside the input). */
static void row(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const micro_pool_s8_params_t *p = ctx;
    const int32_t depth = p->channels;
    const int32_t left = p->pad_w * depth;
    const int32_t width = p->input_w * depth;
    const int32_t total = (int32_t)micro_pool_row_cols(p) * depth;
    int16_t padded[MICRO_POOL_ROW];
    for (int32_t i = 0; i < total; ++i) {
        padded[i] = 0;
    }
    /* Plain base[i] indexing in the inner loops: the host build has -fwrapv, under which
     * an index like left + i may wrap and the loop would not vectorise. */
    int16_t *inside = padded + left;
    for (int32_t fy = 0; fy < w->rows; ++fy) {
        const int8_t *src = w->corner + (int64_t)fy * w->row_step;
        for (int32_t i = 0; i < width; ++i) {
            inside[i] = (int16_t)(inside[i] + src[i]);
        }
    }
    const int32_t step = p->stride_w * depth;
    int32_t count = 0;
    uint32_t m = 0;
    for (int32_t ox = 0; ox < p->output_w; ++ox, out += depth) {
        int32_t fx0, fx1;
        micro_pool_taps(ox * p->stride_w - p->pad_w, p->filter_w, p->input_w, &fx0, &fx1);
        if (w->rows * (fx1 - fx0) != count) {
            count = w->rows * (fx1 - fx0);
            m = micro_divisor256((uint32_t)count);
        }
        const uint32_t half = (uint32_t)count / 2u;
        const int16_t *window = padded + ox * step;
        int32_t sum[MICRO_POOL_NARROW];
        for (int32_t c = 0; c < depth; ++c) {
            sum[c] = window[c];
        }
        for (int32_t fx = 1; fx < p->filter_w; ++fx) {
            const int16_t *column = window + fx * depth;
            for (int32_t c = 0; c < depth; ++c) {
                sum[c] += column[c];
            }
        }
        for (int32_t c = 0; c < depth; ++c) {
            out[c] = micro_pool_average256(sum[c], half, m, p->act_min, p->act_max);
        }
    }
}

micro_status_t micro_average_pool_s8(const micro_pool_s8_params_t *p, const int8_t *input,
                                     int8_t *output)
{
    if (micro_pool_separable(p) && p->filter_h * p->filter_w <= 256) {
        micro_pool_visit(p, input, output, 1, row, p);
    } else {
        micro_pool_visit(p, input, output, 0, pixel, p);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_average_pool_s8_dsp : micro_average_pool_s8)(
        params, op[MICRO_AVERAGE_POOL_S8_INPUT], op[MICRO_AVERAGE_POOL_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_pool_check(params, size[MICRO_AVERAGE_POOL_S8_INPUT],
                            size[MICRO_AVERAGE_POOL_S8_OUTPUT]);
}

/* Overlap rule, output over input: see micro_pool_gap (pool.h). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    (void)size;
    return in == MICRO_AVERAGE_POOL_S8_INPUT && out == MICRO_AVERAGE_POOL_S8_OUTPUT
               ? micro_pool_gap(params)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_average_pool_s8 = {step, check, sizeof(micro_pool_s8_params_t),
                                                     MICRO_AVERAGE_POOL_S8_N_OPERANDS, gap};
