#include "micro/kernels/pool_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "pool.h"
#include "requant.h"

static int32_t window(const micro_pool_s16_params_t *p, const int16_t *image, int32_t y,
                      int32_t x, int32_t c)
{
    const int32_t y0 = y * p->stride_h - p->pad_h, x0 = x * p->stride_w - p->pad_w;
    int32_t fy0, fy1, fx0, fx1;
    micro_pool_taps(y0, p->filter_h, p->input_h, &fy0, &fy1);
    micro_pool_taps(x0, p->filter_w, p->input_w, &fx0, &fx1);
    int32_t sum = 0, count = 0, best = INT16_MIN;
    for (int32_t fy = fy0; fy < fy1; ++fy) {
        const ptrdiff_t row = (ptrdiff_t)(y0 + fy) * p->input_w + x0;
        for (int32_t fx = fx0; fx < fx1; ++fx) {
            const int32_t v = image[(row + fx) * p->channels + c];
            sum += v;
            best = v > best ? v : best;
            ++count;
        }
    }
    if (p->op == MICRO_POOL_S16_MAX) {
        return best;
    }
    if (count == 0) {
        return 0; /* the host never plans a window outside the input */
    }
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

micro_status_t micro_pool_s16(const micro_pool_s16_params_t *p, const int16_t *input,
                              int16_t *output)
{
    ptrdiff_t o = 0;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int16_t *image = input + (ptrdiff_t)b * p->input_h * p->input_w * p->channels;
        for (int32_t y = 0; y < p->output_h; ++y) {
            for (int32_t x = 0; x < p->output_w; ++x) {
                for (int32_t c = 0; c < p->channels; ++c, ++o) {
                    output[o] = (int16_t)micro_clamp(window(p, image, y, x, c), p->act_min,
                                                     p->act_max);
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_pool_s16(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_pool_s16_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->input_h, p->input_w, p->channels};
    const int32_t out_dims[4] = {p->batches, p->output_h, p->output_w, p->channels};
    const int32_t window_dims[4] = {p->filter_h, p->filter_w, p->stride_h, p->stride_w};
    if (!micro_in_range(p->op, 0, 1) || micro_count(in_dims, 4) < 0 ||
        micro_count(out_dims, 4) < 0 || micro_count(window_dims, 4) < 0 ||
        micro_count(window_dims, 2) > (1 << 16) || p->pad_h < 0 || p->pad_w < 0 ||
        (int64_t)(p->output_h - 1) * p->stride_h + p->filter_h > INT32_MAX ||
        (int64_t)(p->output_w - 1) * p->stride_w + p->filter_w > INT32_MAX ||
        !micro_in_range(p->act_min, INT16_MIN, INT16_MAX) ||
        !micro_in_range(p->act_max, p->act_min, INT16_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], micro_count(in_dims, 4), 2) ||
        !micro_fits(size[1], micro_count(out_dims, 4), 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: output rows in order, output row r reading input rows
 * from r * stride_h - pad_h on (int16: rows of 2-byte elements). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_pool_s16_params_t *p = params;
    (void)size;
    const micro_rows_t g = {p->batches, p->output_h, 2 * (int64_t)p->output_w * p->channels,
                            p->input_h, 2 * (int64_t)p->input_w * p->channels, p->stride_h,
                            -(int64_t)p->pad_h, 0};
    return in == MICRO_POOL_S16_INPUT && out == MICRO_POOL_S16_OUTPUT ? micro_rows_gap(&g)
                                                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_pool_s16 = {step, check, sizeof(micro_pool_s16_params_t), MICRO_POOL_S16_N_OPERANDS, gap};
