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

/* A window: the input pixels [y0 + fy0, y0 + fy1) x [x0 + fx0, x0 + fx1). */
typedef struct {
    int32_t y0, x0, fy0, fy1, fx0, fx1;
} window_t;

/* acc[i] = the sum of channel c0 + i over the window, for i < n. Up to 256 taps the sums
 * fit int16, whose accumulators vectorise twice as densely. */
static void window_sums(const int8_t *image, int32_t width, int32_t depth, const window_t *w,
                        int32_t c0, int32_t n, int32_t *acc)
{
    if ((w->fy1 - w->fy0) * (w->fx1 - w->fx0) <= 256) {
        int16_t acc16[MICRO_POOL_BLOCK];
        for (int32_t i = 0; i < n; ++i) {
            acc16[i] = 0;
        }
        for (int32_t fy = w->fy0; fy < w->fy1; ++fy) {
            const int64_t row = (int64_t)(w->y0 + fy) * width;
            for (int32_t fx = w->fx0; fx < w->fx1; ++fx) {
                const int8_t *px = image + (row + w->x0 + fx) * depth + c0;
                for (int32_t i = 0; i < n; ++i) {
                    acc16[i] = (int16_t)(acc16[i] + px[i]);
                }
            }
        }
        for (int32_t i = 0; i < n; ++i) {
            acc[i] = acc16[i];
        }
        return;
    }
    for (int32_t i = 0; i < n; ++i) {
        acc[i] = 0;
    }
    for (int32_t fy = w->fy0; fy < w->fy1; ++fy) {
        const int64_t row = (int64_t)(w->y0 + fy) * width;
        for (int32_t fx = w->fx0; fx < w->fx1; ++fx) {
            const int8_t *px = image + (row + w->x0 + fx) * depth + c0;
            for (int32_t i = 0; i < n; ++i) {
                acc[i] += px[i];
            }
        }
    }
}

/* One output row, pixel by pixel, channels in vectorisable blocks. */
static void row_blocked(const micro_pool_s8_params_t *p, const int8_t *image, window_t w,
                        int8_t *out)
{
    const int32_t depth = p->channels;
    int32_t acc[MICRO_POOL_BLOCK];
    int32_t count = 0;
    micro_divisor_t div = {0, 0};
    for (int32_t ox = 0; ox < p->output_w; ++ox) {
        w.x0 = ox * p->stride_w - p->pad_w;
        micro_pool_taps(w.x0, p->filter_w, p->input_w, &w.fx0, &w.fx1);
        if ((w.fy1 - w.fy0) * (w.fx1 - w.fx0) != count) {
            count = (w.fy1 - w.fy0) * (w.fx1 - w.fx0);
            div = micro_divisor((uint32_t)count);
        }
        const uint32_t half = (uint32_t)count / 2u;
        for (int32_t c0 = 0; c0 < depth; c0 += MICRO_POOL_BLOCK) {
            const int32_t n = depth - c0 < MICRO_POOL_BLOCK ? depth - c0 : MICRO_POOL_BLOCK;
            window_sums(image, p->input_w, depth, &w, c0, n, acc);
            for (int32_t i = 0; i < n; ++i) {
                out[i] = average(acc[i], half, div, p->act_min, p->act_max);
            }
            out += n;
        }
    }
}

/* One output row of a narrow input with at most 256 taps: the int16 sums over the
 * window's rows into a zero-padded row, then per output the sum of its filter_w columns
 * (padding adds nothing; the count is of the taps inside the input). */
static void row_separable(const micro_pool_s8_params_t *p, const int8_t *image, window_t w,
                          int8_t *out)
{
    const int32_t depth = p->channels;
    const int32_t left = p->pad_w * depth;
    const int32_t width = p->input_w * depth;
    const int32_t total = (int32_t)micro_pool_row_cols(p) * depth;
    int16_t row[MICRO_POOL_ROW];
    for (int32_t i = 0; i < total; ++i) {
        row[i] = 0;
    }
    /* Plain base[i] indexing in the inner loops: the host build has -fwrapv, under which
     * an index like left + i may wrap and the loop would not vectorise. */
    int16_t *inside = row + left;
    for (int32_t fy = w.fy0; fy < w.fy1; ++fy) {
        const int8_t *src = image + (int64_t)(w.y0 + fy) * width;
        for (int32_t i = 0; i < width; ++i) {
            inside[i] = (int16_t)(inside[i] + src[i]);
        }
    }
    const int32_t step = p->stride_w * depth;
    int32_t count = 0;
    uint32_t m = 0;
    for (int32_t ox = 0; ox < p->output_w; ++ox, out += depth) {
        micro_pool_taps(ox * p->stride_w - p->pad_w, p->filter_w, p->input_w, &w.fx0, &w.fx1);
        if ((w.fy1 - w.fy0) * (w.fx1 - w.fx0) != count) {
            count = (w.fy1 - w.fy0) * (w.fx1 - w.fx0);
            m = micro_divisor256((uint32_t)count);
        }
        const uint32_t half = (uint32_t)count / 2u;
        const int16_t *window = row + ox * step;
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
    const int separable = micro_pool_separable(p) && p->filter_h * p->filter_w <= 256;
    const int64_t image_size = (int64_t)p->input_h * p->input_w * p->channels;
    const int64_t out_row = (int64_t)p->output_w * p->channels;
    int8_t *out = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        for (int32_t oy = 0; oy < p->output_h; ++oy, out += out_row) {
            window_t w = {0, 0, 0, 0, 0, 0};
            w.y0 = oy * p->stride_h - p->pad_h;
            micro_pool_taps(w.y0, p->filter_h, p->input_h, &w.fy0, &w.fy1);
            if (separable) {
                row_separable(p, image, w, out);
            } else {
                row_blocked(p, image, w, out);
            }
        }
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
