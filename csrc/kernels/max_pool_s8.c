#include "micro/kernels/max_pool_s8.h"

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/max_pool_s8_dsp.h"
#include "pool.h"

/* One output pixel, channels in vectorisable blocks. */
static void pixel(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const micro_pool_s8_params_t *p = ctx;
    const int32_t depth = p->channels;
    const int8_t lo = (int8_t)p->act_min;
    const int8_t hi = (int8_t)p->act_max;
    int8_t best[MICRO_POOL_BLOCK];
    for (int32_t c0 = 0; c0 < depth; c0 += MICRO_POOL_BLOCK, out += MICRO_POOL_BLOCK) {
        const int32_t n = depth - c0 < MICRO_POOL_BLOCK ? depth - c0 : MICRO_POOL_BLOCK;
        /* Starting from act_min folds the lower clamp into the max. */
        for (int32_t i = 0; i < n; ++i) {
            best[i] = lo;
        }
        for (int32_t fy = 0; fy < w->rows; ++fy) {
            const int8_t *px = w->corner + (int64_t)fy * w->row_step + c0;
            for (int32_t fx = 0; fx < w->cols; ++fx, px += depth) {
                for (int32_t i = 0; i < n; ++i) {
                    best[i] = px[i] > best[i] ? px[i] : best[i];
                }
            }
        }
        for (int32_t i = 0; i < n; ++i) {
            out[i] = best[i] < hi ? best[i] : hi;
        }
    }
}

/* One output row of a narrow input: the max over the window's rows into a padded row
 * (padding is -128, which never changes a max that is then clamped to act_min), then
 * the max over filter_w columns of it per output. */
static void row(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const micro_pool_s8_params_t *p = ctx;
    const int32_t depth = p->channels;
    const int32_t left = p->pad_w * depth;
    const int32_t width = p->input_w * depth;
    const int32_t total = (int32_t)micro_pool_row_cols(p) * depth;
    const int8_t lo = (int8_t)p->act_min;
    const int8_t hi = (int8_t)p->act_max;
    int8_t padded[MICRO_POOL_ROW];
    for (int32_t i = 0; i < total; ++i) {
        padded[i] = -128;
    }
    /* Plain base[i] indexing in the inner loops: the host build has -fwrapv, under which
     * an index like left + i may wrap and the loop would not vectorise. */
    int8_t *inside = padded + left;
    for (int32_t fy = 0; fy < w->rows; ++fy) {
        const int8_t *src = w->corner + (int64_t)fy * w->row_step;
        for (int32_t i = 0; i < width; ++i) {
            inside[i] = src[i] > inside[i] ? src[i] : inside[i];
        }
    }
    const int32_t step = p->stride_w * depth;
    for (int32_t ox = 0; ox < p->output_w; ++ox, out += depth) {
        const int8_t *window = padded + ox * step;
        for (int32_t c = 0; c < depth; ++c) {
            int8_t m = lo;
            for (int32_t fx = 0; fx < p->filter_w; ++fx) {
                const int8_t v = window[fx * depth + c];
                m = v > m ? v : m;
            }
            out[c] = m < hi ? m : hi;
        }
    }
}

micro_status_t micro_max_pool_s8(const micro_pool_s8_params_t *p, const int8_t *input,
                                 int8_t *output)
{
    if (micro_pool_separable(p)) {
        micro_pool_visit(p, input, output, 1, row, p);
    } else {
        micro_pool_visit(p, input, output, 0, pixel, p);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_max_pool_s8_dsp : micro_max_pool_s8)(
        params, op[MICRO_MAX_POOL_S8_INPUT], op[MICRO_MAX_POOL_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_pool_check(params, size[MICRO_MAX_POOL_S8_INPUT], size[MICRO_MAX_POOL_S8_OUTPUT]);
}

/* Overlap rule, output over input: see micro_pool_gap (pool.h). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    (void)size;
    return in == MICRO_MAX_POOL_S8_INPUT && out == MICRO_MAX_POOL_S8_OUTPUT
               ? micro_pool_gap(params)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_max_pool_s8 = {step, check, sizeof(micro_pool_s8_params_t),
                                                 MICRO_MAX_POOL_S8_N_OPERANDS, gap};
