#include "micro/kernels/conv_s16.h"

#include <stddef.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/conv_s16_dsp.h"
#include "check.h"
#include "conv_geometry.h"
#include "overlap.h"
#include "requant.h"

/* The window sum of output (b, y, x), channel oc, in 64 bits (exact for every valid model). */
static int64_t window_sum(const micro_conv_geometry_t *g, const int16_t *input,
                          const int8_t *filter, int32_t b, int32_t y, int32_t x, int32_t oc)
{
    const int32_t fd = g->filter_depth;
    const int32_t first = (oc / (g->output_depth / g->groups)) * fd;
    int64_t acc = 0;
    for (int32_t ky = 0; ky < g->filter_height; ++ky) {
        const int32_t iy = y * g->stride_height - g->pad_top + ky * g->dilation_height;
        if (iy < 0 || iy >= g->input_height) {
            continue;
        }
        for (int32_t kx = 0; kx < g->filter_width; ++kx) {
            const int32_t ix = x * g->stride_width - g->pad_left + kx * g->dilation_width;
            if (ix < 0 || ix >= g->input_width) {
                continue;
            }
            const int16_t *in =
                input + (((ptrdiff_t)b * g->input_height + iy) * g->input_width + ix) *
                            g->input_depth + first;
            const int8_t *w =
                filter + (((ptrdiff_t)oc * g->filter_height + ky) * g->filter_width + kx) * fd;
            for (int32_t c = 0; c < fd; ++c) {
                acc += (int32_t)in[c] * w[c];
            }
        }
    }
    return acc;
}

micro_status_t micro_conv_s16(const micro_conv_s16_params_t *p, const int16_t *input,
                              const int8_t *filter, const void *bias, const int32_t *multiplier,
                              const int32_t *shift, int16_t *output)
{
    const micro_conv_geometry_t *g = &p->geometry;
    ptrdiff_t o = 0;
    for (int32_t b = 0; b < g->batches; ++b) {
        for (int32_t y = 0; y < g->output_height; ++y) {
            for (int32_t x = 0; x < g->output_width; ++x) {
                for (int32_t oc = 0; oc < g->output_depth; ++oc, ++o) {
                    const int64_t sum = window_sum(g, input, filter, b, y, x, oc);
                    const int32_t v = micro_requantize_sum(sum, bias, oc, p->accum == 64,
                                                           multiplier[oc], shift[oc]);
                    output[o] = (int16_t)micro_clamp(v, p->act_min, p->act_max);
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_conv_s16_dsp : micro_conv_s16)(params, op[0], op[1], op[2], op[3],
                                                           op[4], op[5]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_conv_s16_params_t *p = params;
    const micro_conv_geometry_t *g = &p->geometry;
    int64_t n_in, n_filter, n_out;
    if (!micro_conv_counts(g, &n_in, &n_filter, &n_out) ||
        n_filter / g->output_depth > (1 << 20) || (p->accum != 32 && p->accum != 64) ||
        !micro_in_range(p->act_min, INT16_MIN, INT16_MAX) ||
        !micro_in_range(p->act_max, p->act_min, INT16_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], n_in, 2) || !micro_fits(size[1], n_filter, 1) ||
        (size[2] != 0 && !micro_fits(size[2], g->output_depth, p->accum / 8)) ||
        !micro_fits(size[3], g->output_depth, 4) || !micro_fits(size[4], g->output_depth, 4) ||
        !micro_fits(size[5], n_out, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *multiplier = op[3];
    const int32_t *shift = op[4];
    for (int32_t c = 0; c < g->output_depth; ++c) {
        if (multiplier[c] < 0 || !micro_in_range(shift[c], -31, p->accum == 32 ? 30 : 7)) {
            return MICRO_ERR_PARAMS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: output rows in order, each pixel's channels at once,
 * output row r reading input rows from r * stride_height - pad_top on (2-byte elements). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_conv_geometry_t *g = &((const micro_conv_s16_params_t *)params)->geometry;
    (void)size;
    const micro_rows_t rows = {g->batches, g->output_height,
                               2 * (int64_t)g->output_width * g->output_depth, g->input_height,
                               2 * (int64_t)g->input_width * g->input_depth, g->stride_height,
                               -(int64_t)g->pad_top, 0};
    return in == MICRO_CONV_S16_INPUT && out == MICRO_CONV_S16_OUTPUT ? micro_rows_gap(&rows)
                                                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_conv_s16 = {step, check, sizeof(micro_conv_s16_params_t), MICRO_CONV_S16_N_OPERANDS, gap};
