#include "micro/kernels/resize_bilinear_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "resize_geometry.h"

micro_status_t micro_resize_bilinear_f32(const micro_resize_bilinear_f32_params_t *p,
                                         const float *input, const int32_t *rows,
                                         const int32_t *cols, const float *weights,
                                         float *output)
{
    const int32_t c_n = p->channels;
    const ptrdiff_t row = (ptrdiff_t)p->in_w * c_n;
    const float *wcols = weights + 2 * (ptrdiff_t)p->out_h;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *image = input + (ptrdiff_t)b * p->in_h * row;
        for (int32_t y = 0; y < p->out_h; ++y) {
            const float *r0 = image + rows[2 * y] * row;
            const float *r1 = image + rows[2 * y + 1] * row;
            const float wy0 = weights[2 * y], wy1 = weights[2 * y + 1];
            for (int32_t x = 0; x < p->out_w; ++x) {
                const float *p0 = r0 + (ptrdiff_t)cols[2 * x] * c_n;
                const float *p1 = r0 + (ptrdiff_t)cols[2 * x + 1] * c_n;
                const float *q0 = r1 + (ptrdiff_t)cols[2 * x] * c_n;
                const float *q1 = r1 + (ptrdiff_t)cols[2 * x + 1] * c_n;
                const float wx0 = wcols[2 * x], wx1 = wcols[2 * x + 1];
                for (int32_t c = 0; c < c_n; ++c) {
                    /* TFLM's expression and order; + 0.0f turns -0 into +0 there too. */
                    *output++ = p0[c] * wy0 * wx0 + q0[c] * wy1 * wx0 + p1[c] * wy0 * wx1 +
                                q1[c] * wy1 * wx1 + 0.0f;
                }
            }
        }
    }
    return MICRO_OK;
}

static int table_ok(const int32_t *t, int32_t n, int32_t limit)
{
    for (int32_t i = 0; i < 2 * n; ++i) {
        if (!micro_in_range(t[i], 0, limit - 1)) {
            return 0;
        }
    }
    return 1;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_resize_bilinear_f32(params, op[0], op[1], op[2], op[3], op[4]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_resize_bilinear_f32_params_t *p = params;
    int64_t in_count, out_count;
    if (!micro_resize_counts(p, &in_count, &out_count)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t n_weights = 2 * ((int64_t)p->out_h + p->out_w);
    if (!micro_fits(size[0], in_count, 4) || !micro_fits(size[1], (int64_t)p->out_h * 2, 4) ||
        !micro_fits(size[2], (int64_t)p->out_w * 2, 4) || !micro_fits(size[3], n_weights, 4) ||
        !micro_fits(size[4], out_count, 4) || !micro_disjoint(op[0], size[0], op[4], size[4])) {
        return MICRO_ERR_OPERANDS;
    }
    if (!table_ok(op[1], p->out_h, p->in_h) || !table_ok(op[2], p->out_w, p->in_w)) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (each output row reads two input rows in any order when upscaling). */
const micro_kernel_t micro_kernel_resize_bilinear_f32 = {
    step, check, sizeof(micro_resize_bilinear_f32_params_t),
    MICRO_RESIZE_BILINEAR_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
