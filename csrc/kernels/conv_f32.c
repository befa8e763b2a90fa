#include "micro/kernels/conv_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_conv_f32(const micro_conv_f32_params_t *p, const float *input,
                              const float *filter, const float *bias, float *output)
{
    const int32_t depth = p->filter_depth, per_group = p->output_depth / p->groups;
    const ptrdiff_t taps = (ptrdiff_t)p->filter_height * p->filter_width * depth;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *image = input + (ptrdiff_t)b * p->input_height * p->input_width *
                                         p->input_depth;
        for (int32_t y = 0; y < p->output_height; ++y) {
            const int32_t iy0 = y * p->stride_height - p->pad_top;
            for (int32_t x = 0; x < p->output_width; ++x) {
                const int32_t ix0 = x * p->stride_width - p->pad_left;
                for (int32_t o = 0; o < p->output_depth; ++o) {
                    const float *w = filter + o * taps;
                    const float *channels = image + (ptrdiff_t)(o / per_group) * depth;
                    float total = 0.0f;
                    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
                        const int32_t iy = iy0 + fy * p->dilation_height;
                        for (int32_t fx = 0; fx < p->filter_width; ++fx) {
                            const int32_t ix = ix0 + fx * p->dilation_width;
                            if (iy < 0 || iy >= p->input_height || ix < 0 ||
                                ix >= p->input_width) {
                                continue;
                            }
                            const float *in =
                                channels + ((ptrdiff_t)iy * p->input_width + ix) * p->input_depth;
                            const float *k = w + ((ptrdiff_t)fy * p->filter_width + fx) * depth;
                            for (int32_t i = 0; i < depth; ++i) {
                                total += in[i] * k[i];
                            }
                        }
                    }
                    float v = total + (bias ? bias[o] : 0.0f);
                    v = v < p->act_min ? p->act_min : v;      /* std::max */
                    *output++ = p->act_max < v ? p->act_max : v; /* std::min */
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_conv_f32(params, op[MICRO_CONV_F32_INPUT], op[MICRO_CONV_F32_FILTER],
                          op[MICRO_CONV_F32_BIAS], op[MICRO_CONV_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_conv_f32_params_t *p = params;
    (void)op;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t f_dims[4] = {p->output_depth, p->filter_height, p->filter_width,
                               p->filter_depth};
    const int32_t out_dims[4] = {p->batches, p->output_height, p->output_width,
                                 p->output_depth};
    const int32_t steps[4] = {p->stride_height, p->stride_width, p->dilation_height,
                              p->dilation_width};
    if (micro_count(in_dims, 4) < 0 || micro_count(f_dims, 4) < 0 ||
        micro_count(out_dims, 4) < 0 || micro_count(steps, 4) < 0 || p->groups < 1 ||
        (int64_t)p->groups * p->filter_depth != p->input_depth ||
        p->output_depth % p->groups != 0 || p->pad_top < 0 || p->pad_left < 0 ||
        /* every window origin and tap offset stays inside int32 */
        (int64_t)(p->output_height - 1) * p->stride_height +
                (int64_t)(p->filter_height - 1) * p->dilation_height > INT32_MAX ||
        (int64_t)(p->output_width - 1) * p->stride_width +
                (int64_t)(p->filter_width - 1) * p->dilation_width > INT32_MAX ||
        !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_CONV_F32_INPUT], micro_count(in_dims, 4), 4) ||
        !micro_fits(size[MICRO_CONV_F32_FILTER], micro_count(f_dims, 4), 4) ||
        (size[MICRO_CONV_F32_BIAS] != 0 && !micro_fits(size[MICRO_CONV_F32_BIAS], p->output_depth, 4)) ||
        !micro_fits(size[MICRO_CONV_F32_OUTPUT], micro_count(out_dims, 4), 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (an output pixel's window reaches input rows below it, and its O
 * outputs may take more bytes than the C inputs of its pixel). */
const micro_kernel_t micro_kernel_conv_f32 = {step, check, sizeof(micro_conv_f32_params_t),
                                              MICRO_CONV_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
