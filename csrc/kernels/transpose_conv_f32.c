#include "micro/kernels/transpose_conv_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"

/* The input rows (or columns) [*first, *last] whose filter tap lands on output row y. */
static void input_span(int32_t y, int32_t pad, int32_t taps, int32_t stride, int32_t size,
                       int32_t *first, int32_t *last)
{
    const int64_t top = (int64_t)y + pad - taps + 1;
    const int64_t lo = top <= 0 ? 0 : (top + stride - 1) / stride;
    const int64_t hi = ((int64_t)y + pad) / stride;
    *first = (int32_t)lo;
    *last = (int32_t)(hi < size - 1 ? hi : size - 1);
}

micro_status_t micro_transpose_conv_f32(const micro_transpose_conv_f32_params_t *p,
                                        const float *input, const float *filter,
                                        const float *bias, float *output)
{
    const int32_t depth = p->input_depth;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t y = 0; y < p->output_height; ++y) {
            int32_t y0, y1;
            input_span(y, p->pad_top, p->filter_height, p->stride_height, p->input_height, &y0,
                       &y1);
            for (int32_t x = 0; x < p->output_width; ++x) {
                int32_t x0, x1;
                input_span(x, p->pad_left, p->filter_width, p->stride_width, p->input_width, &x0,
                           &x1);
                for (int32_t oc = 0; oc < p->output_depth; ++oc) {
                    float acc = 0.0f;
                    for (int32_t iy = y0; iy <= y1; ++iy) {
                        const int32_t ky = y + p->pad_top - iy * p->stride_height;
                        for (int32_t ix = x0; ix <= x1; ++ix) {
                            const int32_t kx = x + p->pad_left - ix * p->stride_width;
                            const float *in =
                                input +
                                (((ptrdiff_t)b * p->input_height + iy) * p->input_width + ix) *
                                    depth;
                            const float *w =
                                filter +
                                (((ptrdiff_t)oc * p->filter_height + ky) * p->filter_width + kx) *
                                    depth;
                            for (int32_t c = 0; c < depth; ++c) {
                                acc += in[c] * w[c];
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    acc = acc < p->act_min ? p->act_min : acc; /* std::max */
                    *output++ = p->act_max < acc ? p->act_max : acc; /* std::min */
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_transpose_conv_f32(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_transpose_conv_f32_params_t *p = params;
    (void)op;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t f_dims[4] = {p->output_depth, p->filter_height, p->filter_width,
                               p->input_depth};
    const int32_t out_dims[4] = {p->batches, p->output_height, p->output_width,
                                 p->output_depth};
    if (micro_count(in_dims, 4) < 0 || micro_count(f_dims, 4) < 0 ||
        micro_count(out_dims, 4) < 0 || p->stride_height < 1 || p->stride_width < 1 ||
        p->pad_top < 0 || p->pad_left < 0 || p->pad_top > INT32_MAX - p->output_height ||
        p->pad_left > INT32_MAX - p->output_width || !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], micro_count(in_dims, 4), 4) ||
        !micro_fits(size[1], micro_count(f_dims, 4), 4) ||
        (size[2] != 0 && !micro_fits(size[2], p->output_depth, 4)) ||
        !micro_fits(size[3], micro_count(out_dims, 4), 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (every input pixel scatters into a window of outputs). */
const micro_kernel_t micro_kernel_transpose_conv_f32 = {
    step, check, sizeof(micro_transpose_conv_f32_params_t), MICRO_TRANSPOSE_CONV_F32_N_OPERANDS,
    MICRO_OVERLAP_NONE};
