#include "micro/kernels/max_pool_s8.h"

#include "micro/kernel.h"
#include "pool.h"

micro_status_t micro_max_pool_s8(const micro_pool_s8_params_t *p, const int8_t *input,
                                 int8_t *output)
{
    const int32_t depth = p->channels;
    const int8_t lo = (int8_t)p->act_min;
    const int8_t hi = (int8_t)p->act_max;
    int8_t best[MICRO_POOL_BLOCK];
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_h * p->input_w * depth;
        for (int32_t oy = 0; oy < p->output_h; ++oy) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            int32_t fy0, fy1;
            micro_pool_taps(y0, p->filter_h, p->input_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->output_w; ++ox) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                int32_t fx0, fx1;
                micro_pool_taps(x0, p->filter_w, p->input_w, &fx0, &fx1);
                for (int32_t c0 = 0; c0 < depth; c0 += MICRO_POOL_BLOCK) {
                    const int32_t n =
                        depth - c0 < MICRO_POOL_BLOCK ? depth - c0 : MICRO_POOL_BLOCK;
                    /* Starting from act_min folds the lower clamp into the max. */
                    for (int32_t i = 0; i < n; ++i) {
                        best[i] = lo;
                    }
                    for (int32_t fy = fy0; fy < fy1; ++fy) {
                        const int64_t row = (int64_t)(y0 + fy) * p->input_w;
                        for (int32_t fx = fx0; fx < fx1; ++fx) {
                            const int8_t *px = image + (row + x0 + fx) * depth + c0;
                            for (int32_t i = 0; i < n; ++i) {
                                best[i] = px[i] > best[i] ? px[i] : best[i];
                            }
                        }
                    }
                    int8_t *out =
                        output + (((int64_t)b * p->output_h + oy) * p->output_w + ox) * depth + c0;
                    for (int32_t i = 0; i < n; ++i) {
                        out[i] = best[i] < hi ? best[i] : hi;
                    }
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_max_pool_s8(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_pool_check(params, size);
}

const micro_kernel_t micro_kernel_max_pool_s8 = {step, check, sizeof(micro_pool_s8_params_t),
                                                 2};
