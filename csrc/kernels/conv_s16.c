#include "micro/kernels/conv_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

/* The window sum of output (b, y, x), channel oc, in 64 bits (exact for every valid model). */
static int64_t window_sum(const micro_conv_s16_params_t *p, const int16_t *input,
                          const int8_t *filter, int32_t b, int32_t y, int32_t x, int32_t oc)
{
    const int32_t fd = p->filter_depth;
    const int32_t first = (oc / (p->output_depth / p->groups)) * fd;
    int64_t acc = 0;
    for (int32_t ky = 0; ky < p->filter_height; ++ky) {
        const int32_t iy = y * p->stride_height - p->pad_top + ky * p->dilation_height;
        if (iy < 0 || iy >= p->input_height) {
            continue;
        }
        for (int32_t kx = 0; kx < p->filter_width; ++kx) {
            const int32_t ix = x * p->stride_width - p->pad_left + kx * p->dilation_width;
            if (ix < 0 || ix >= p->input_width) {
                continue;
            }
            const int16_t *in =
                input + (((ptrdiff_t)b * p->input_height + iy) * p->input_width + ix) *
                            p->input_depth + first;
            const int8_t *w =
                filter + (((ptrdiff_t)oc * p->filter_height + ky) * p->filter_width + kx) * fd;
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
    ptrdiff_t o = 0;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t y = 0; y < p->output_height; ++y) {
            for (int32_t x = 0; x < p->output_width; ++x) {
                for (int32_t oc = 0; oc < p->output_depth; ++oc, ++o) {
                    const int64_t sum = window_sum(p, input, filter, b, y, x, oc);
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
    return micro_conv_s16(params, op[0], op[1], op[2], op[3], op[4], op[5]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_conv_s16_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t f_dims[4] = {p->output_depth, p->filter_height, p->filter_width,
                               p->filter_depth};
    const int32_t out_dims[4] = {p->batches, p->output_height, p->output_width,
                                 p->output_depth};
    const int32_t geometry[6] = {p->groups, p->stride_height, p->stride_width,
                                 p->dilation_height, p->dilation_width, 1};
    if (micro_count(in_dims, 4) < 0 || micro_count(f_dims, 4) < 0 ||
        micro_count(out_dims, 4) < 0 || micro_count(geometry, 6) < 0 ||
        micro_count(f_dims + 1, 3) > (1 << 20) || p->pad_top < 0 || p->pad_left < 0 ||
        p->output_depth % p->groups || (int64_t)p->groups * p->filter_depth != p->input_depth ||
        (p->accum != 32 && p->accum != 64) || !micro_in_range(p->act_min, INT16_MIN, INT16_MAX) ||
        !micro_in_range(p->act_max, p->act_min, INT16_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    /* Every index the window computes stays inside int32 (it is range-checked before use). */
    if ((int64_t)(p->output_height - 1) * p->stride_height +
                (int64_t)(p->filter_height - 1) * p->dilation_height > INT32_MAX ||
        (int64_t)(p->output_width - 1) * p->stride_width +
                (int64_t)(p->filter_width - 1) * p->dilation_width > INT32_MAX) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], micro_count(in_dims, 4), 2) ||
        !micro_fits(size[1], micro_count(f_dims, 4), 1) ||
        (size[2] != 0 && !micro_fits(size[2], p->output_depth, p->accum / 8)) ||
        !micro_fits(size[3], p->output_depth, 4) || !micro_fits(size[4], p->output_depth, 4) ||
        !micro_fits(size[5], micro_count(out_dims, 4), 2)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *multiplier = op[3];
    const int32_t *shift = op[4];
    for (int32_t c = 0; c < p->output_depth; ++c) {
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
    const micro_conv_s16_params_t *p = params;
    (void)size;
    const micro_rows_t g = {p->batches, p->output_height,
                            2 * (int64_t)p->output_width * p->output_depth, p->input_height,
                            2 * (int64_t)p->input_width * p->input_depth, p->stride_height,
                            -(int64_t)p->pad_top, 0};
    return in == MICRO_CONV_S16_INPUT && out == MICRO_CONV_S16_OUTPUT ? micro_rows_gap(&g)
                                                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_conv_s16 = {step, check, sizeof(micro_conv_s16_params_t), MICRO_CONV_S16_N_OPERANDS, gap};
