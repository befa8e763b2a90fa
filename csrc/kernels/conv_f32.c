#include "micro/kernels/conv_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "conv_geometry.h"

micro_status_t micro_conv_f32(const micro_conv_f32_params_t *p, const float *input,
                              const float *filter, const float *bias, float *output)
{
    const micro_conv_geometry_t *g = &p->geometry;
    const int32_t depth = g->filter_depth, per_group = g->output_depth / g->groups;
    const ptrdiff_t taps = (ptrdiff_t)g->filter_height * g->filter_width * depth;
    for (int32_t b = 0; b < g->batches; ++b) {
        const float *image = input + (ptrdiff_t)b * g->input_height * g->input_width *
                                         g->input_depth;
        for (int32_t y = 0; y < g->output_height; ++y) {
            const int32_t iy0 = y * g->stride_height - g->pad_top;
            for (int32_t x = 0; x < g->output_width; ++x) {
                const int32_t ix0 = x * g->stride_width - g->pad_left;
                for (int32_t o = 0; o < g->output_depth; ++o) {
                    const float *w = filter + o * taps;
                    const float *channels = image + (ptrdiff_t)(o / per_group) * depth;
                    float total = 0.0f;
                    for (int32_t fy = 0; fy < g->filter_height; ++fy) {
                        const int32_t iy = iy0 + fy * g->dilation_height;
                        for (int32_t fx = 0; fx < g->filter_width; ++fx) {
                            const int32_t ix = ix0 + fx * g->dilation_width;
                            if (iy < 0 || iy >= g->input_height || ix < 0 ||
                                ix >= g->input_width) {
                                continue;
                            }
                            const float *in =
                                channels + ((ptrdiff_t)iy * g->input_width + ix) * g->input_depth;
                            const float *k = w + ((ptrdiff_t)fy * g->filter_width + fx) * depth;
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
    int64_t n_in, n_filter, n_out;
    if (!micro_conv_counts(&p->geometry, &n_in, &n_filter, &n_out) ||
        !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_CONV_F32_INPUT], n_in, 4) ||
        !micro_fits(size[MICRO_CONV_F32_FILTER], n_filter, 4) ||
        (size[MICRO_CONV_F32_BIAS] != 0 &&
         !micro_fits(size[MICRO_CONV_F32_BIAS], p->geometry.output_depth, 4)) ||
        !micro_fits(size[MICRO_CONV_F32_OUTPUT], n_out, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (an output pixel's window reaches input rows below it, and its O
 * outputs may take more bytes than the C inputs of its pixel). */
const micro_kernel_t micro_kernel_conv_f32 = {step, check, sizeof(micro_conv_f32_params_t),
                                              MICRO_CONV_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
