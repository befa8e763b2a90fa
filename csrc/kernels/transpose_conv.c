#include "micro/kernels/transpose_conv.h"

#include <stddef.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/transpose_conv_dsp.h"
#include "check.h"
#include "requant.h"

/* The sum over every (ky, kx, ic) that lands on output (b, y, x), channel oc. */
static int64_t window_sum(const micro_transpose_conv_params_t *p, const void *input,
                          const int8_t *filter, int32_t b, int32_t y, int32_t x, int32_t oc)
{
    int64_t acc = 0;
    const int32_t depth = p->input_depth;
    for (int32_t ky = 0; ky < p->filter_height; ++ky) {
        const int32_t ty = y + p->pad_top - ky;
        if (ty < 0 || ty % p->stride_height || ty / p->stride_height >= p->input_height) {
            continue;
        }
        const int32_t iy = ty / p->stride_height;
        for (int32_t kx = 0; kx < p->filter_width; ++kx) {
            const int32_t tx = x + p->pad_left - kx;
            if (tx < 0 || tx % p->stride_width || tx / p->stride_width >= p->input_width) {
                continue;
            }
            const int32_t ix = tx / p->stride_width;
            const ptrdiff_t at =
                (((ptrdiff_t)b * p->input_height + iy) * p->input_width + ix) * depth;
            const int8_t *w =
                filter + (((ptrdiff_t)oc * p->filter_height + ky) * p->filter_width + kx) * depth;
            if (p->width == 1) {
                const int8_t *in = (const int8_t *)input + at;
                for (int32_t c = 0; c < depth; ++c) {
                    acc += (int32_t)(in[c] - p->input_zp) * w[c];
                }
            } else {
                const int16_t *in = (const int16_t *)input + at;
                for (int32_t c = 0; c < depth; ++c) {
                    acc += (int32_t)in[c] * w[c];
                }
            }
        }
    }
    return acc;
}

micro_status_t micro_transpose_conv(const micro_transpose_conv_params_t *p, const void *input,
                                    const int8_t *filter, const void *bias,
                                    const int32_t *multiplier, const int32_t *shift,
                                    void *output)
{
    ptrdiff_t o = 0;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t y = 0; y < p->output_height; ++y) {
            for (int32_t x = 0; x < p->output_width; ++x) {
                for (int32_t oc = 0; oc < p->output_depth; ++oc, ++o) {
                    const int64_t sum = window_sum(p, input, filter, b, y, x, oc);
                    int32_t v = micro_requantize_sum(sum, bias, oc, p->width == 2,
                                                     multiplier[oc], shift[oc]);
                    if (p->width == 1) {
                        /* Wrapping add: the reference adds in int32 before it clamps. */
                        v = (int32_t)((uint32_t)v + (uint32_t)p->output_zp);
                        ((int8_t *)output)[o] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
                    } else {
                        ((int16_t *)output)[o] = (int16_t)micro_clamp(v, p->act_min, p->act_max);
                    }
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_transpose_conv_dsp : micro_transpose_conv)(
        params, op[0], op[1], op[2], op[3], op[4], op[5]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_transpose_conv_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t f_dims[4] = {p->output_depth, p->filter_height, p->filter_width,
                               p->input_depth};
    const int32_t out_dims[4] = {p->batches, p->output_height, p->output_width,
                                 p->output_depth};
    const int int16 = p->width == 2;
    const int32_t lo = int16 ? INT16_MIN : INT8_MIN;
    const int32_t hi = int16 ? INT16_MAX : INT8_MAX;
    const int64_t taps = micro_count(f_dims + 1, 3);
    if ((p->width != 1 && p->width != 2) || micro_count(in_dims, 4) < 0 ||
        micro_count(f_dims, 4) < 0 || micro_count(out_dims, 4) < 0 || p->stride_height < 1 ||
        p->stride_width < 1 || p->pad_top < 0 || p->pad_left < 0 ||
        p->pad_top > INT32_MAX - p->output_height || p->pad_left > INT32_MAX - p->output_width ||
        taps > (1 << 20) || !micro_in_range(p->input_zp, int16 ? 0 : -128, int16 ? 0 : 127) ||
        !micro_in_range(p->output_zp, int16 ? 0 : -128, int16 ? 0 : 127) ||
        !micro_in_range(p->act_min, lo, hi) || !micro_in_range(p->act_max, p->act_min, hi)) {
        return MICRO_ERR_PARAMS;
    }
    const uint32_t bias_width = int16 ? 8 : 4;
    if (!micro_fits(size[0], micro_count(in_dims, 4), p->width) ||
        !micro_fits(size[1], micro_count(f_dims, 4), 1) ||
        (size[2] != 0 && !micro_fits(size[2], p->output_depth, bias_width)) ||
        !micro_fits(size[3], p->output_depth, 4) || !micro_fits(size[4], p->output_depth, 4) ||
        !micro_fits(size[5], micro_count(out_dims, 4), p->width)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *shift = op[4];
    for (int32_t c = 0; c < p->output_depth; ++c) {
        if (((const int32_t *)op[3])[c] < 0 || !micro_in_range(shift[c], -31, int16 ? 7 : 30)) {
            return MICRO_ERR_PARAMS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule: none (each input pixel is scattered into several output rows, accumulated
 * before they are final: the output runs ahead of its input). */
const micro_kernel_t micro_kernel_transpose_conv = {
    step, check, sizeof(micro_transpose_conv_params_t), MICRO_TRANSPOSE_CONV_N_OPERANDS, MICRO_OVERLAP_NONE};
