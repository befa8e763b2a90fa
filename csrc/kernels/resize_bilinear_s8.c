#include "micro/kernels/resize_bilinear_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "resize_geometry.h"

micro_status_t micro_resize_bilinear_s8(const micro_resize_bilinear_s8_params_t *p,
                                        const int8_t *input, const int32_t *rows,
                                        const int32_t *cols, int8_t *output)
{
    const int32_t c_n = p->channels;
    const ptrdiff_t row = (ptrdiff_t)p->in_w * c_n;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (ptrdiff_t)b * p->in_h * row;
        for (int32_t y = 0; y < p->out_h; ++y) {
            const int8_t *r0 = image + rows[3 * y] * row;
            const int8_t *r1 = image + rows[3 * y + 1] * row;
            const int64_t wy = rows[3 * y + 2];
            for (int32_t x = 0; x < p->out_w; ++x) {
                const ptrdiff_t c0 = (ptrdiff_t)cols[3 * x] * c_n;
                const ptrdiff_t c1 = (ptrdiff_t)cols[3 * x + 1] * c_n;
                const int64_t wx = cols[3 * x + 2];
                const int64_t w00 = (1024 - wy) * (1024 - wx);
                const int64_t w10 = wy * (1024 - wx);
                const int64_t w01 = (1024 - wy) * wx;
                const int64_t w11 = wy * wx;
                for (int32_t c = 0; c < c_n; ++c) {
                    const int64_t acc = r0[c0 + c] * w00 + r1[c0 + c] * w10 + r0[c1 + c] * w01 +
                                        r1[c1 + c] * w11;
                    const int64_t rounded = (acc + (acc > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
                    /* The reference casts to int8 as is: keep the low byte. */
                    *output++ = (int8_t)(uint8_t)((uint64_t)rounded & 0xFF);
                }
            }
        }
    }
    return MICRO_OK;
}

static int table_ok(const int32_t *t, int32_t n, int32_t limit)
{
    for (int32_t i = 0; i < n; ++i, t += 3) {
        if (!micro_in_range(t[0], 0, limit - 1) || !micro_in_range(t[1], 0, limit - 1) ||
            !micro_in_range(t[2], -MICRO_RESIZE_MAX_WEIGHT, MICRO_RESIZE_MAX_WEIGHT)) {
            return 0;
        }
    }
    return 1;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_resize_bilinear_s8(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_resize_bilinear_s8_params_t *p = params;
    int64_t in_count, out_count;
    if (!micro_resize_counts(p, &in_count, &out_count)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], in_count, 1) || !micro_fits(size[1], (int64_t)p->out_h * 3, 4) ||
        !micro_fits(size[2], (int64_t)p->out_w * 3, 4) || !micro_fits(size[3], out_count, 1) ||
        !micro_disjoint(op[0], size[0], op[3], size[3])) {
        return MICRO_ERR_OPERANDS;
    }
    if (!table_ok(op[1], p->out_h, p->in_h) || !table_ok(op[2], p->out_w, p->in_w)) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (upscaling writes output rows ahead of the input rows it still reads).
 * */
const micro_kernel_t micro_kernel_resize_bilinear_s8 = {
    step, check, sizeof(micro_resize_bilinear_s8_params_t), MICRO_RESIZE_BILINEAR_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
