#include "micro/kernels/pool_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "float_bits.h"
#include "overlap.h"
#include "pool.h"

/* The pooled value of one output element, before the clamp. */
static float window(const micro_pool_f32_params_t *p, const float *image, int32_t y, int32_t x,
                    int32_t c)
{
    const micro_pool_s8_params_t *g = &p->window;
    const int32_t oy = y * g->stride_h - g->pad_h, ox = x * g->stride_w - g->pad_w;
    int32_t y0, y1, x0, x1;
    micro_pool_taps(oy, g->filter_h, g->input_h, &y0, &y1);
    micro_pool_taps(ox, g->filter_w, g->input_w, &x0, &x1);
    float total = 0.0f, count = 0.0f, best = -3.40282347e+38f;
    for (int32_t fy = y0; fy < y1; ++fy) {
        const ptrdiff_t row = (ptrdiff_t)(oy + fy) * g->input_w + ox;
        for (int32_t fx = x0; fx < x1; ++fx) {
            const float v = image[(row + fx) * g->channels + c];
            total += p->op == MICRO_POOL_F32_L2 ? v * v : v;
            best = best < v ? v : best;
            count += 1.0f;
        }
    }
    switch (p->op) {
    case MICRO_POOL_F32_MAX: return best;
    case MICRO_POOL_F32_L2: return micro_sqrt_f32(total / count);
    default: return total / count;
    }
}

micro_status_t micro_pool_f32(const micro_pool_f32_params_t *p, const float *input,
                              float *output)
{
    const micro_pool_s8_params_t *g = &p->window;
    for (int32_t b = 0; b < g->batches; ++b) {
        const float *image = input + (ptrdiff_t)b * g->input_h * g->input_w * g->channels;
        for (int32_t y = 0; y < g->output_h; ++y) {
            for (int32_t x = 0; x < g->output_w; ++x) {
                for (int32_t c = 0; c < g->channels; ++c) {
                    float v = window(p, image, y, x, c);
                    v = v < p->act_min ? p->act_min : v;        /* std::max */
                    *output++ = p->act_max < v ? p->act_max : v; /* std::min */
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_pool_f32(params, op[MICRO_POOL_F32_INPUT], op[MICRO_POOL_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_pool_f32_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->op, 0, 2) || !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    /* the int8 geometry check, on the operands counted in 4-byte elements */
    return micro_pool_check(&p->window, size[MICRO_POOL_F32_INPUT] / 4,
                            size[MICRO_POOL_F32_OUTPUT] / 4);
}

/* Overlap rule, output over input: output rows in order, output row r reading input rows
 * from r * stride_h - pad_h on (as the int8 pools, in 4-byte elements). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_pool_s8_params_t *g = &((const micro_pool_f32_params_t *)params)->window;
    (void)size;
    const micro_rows_t rows = {g->batches, g->output_h, 4 * (int64_t)g->output_w * g->channels,
                               g->input_h, 4 * (int64_t)g->input_w * g->channels, g->stride_h,
                               -(int64_t)g->pad_h, 0};
    return in == MICRO_POOL_F32_INPUT && out == MICRO_POOL_F32_OUTPUT ? micro_rows_gap(&rows)
                                                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_pool_f32 = {step, check, sizeof(micro_pool_f32_params_t),
                                              MICRO_POOL_F32_N_OPERANDS, gap};
