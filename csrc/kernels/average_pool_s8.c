#include "micro/kernels/average_pool_s8.h"

#include "micro/kernel.h"
#include "pool.h"
#include "requant.h"

/* A window: the input pixels [y0 + fy0, y0 + fy1) x [x0 + fx0, x0 + fx1). */
typedef struct {
    int32_t y0, x0, fy0, fy1, fx0, fx1;
} window_t;

/* acc[i] = the sum of channel c0 + i over the window, for i < n. Up to 256 taps the sums
 * fit int16, whose accumulators vectorise twice as densely. */
static void window_sums(const int8_t *image, int32_t width, int32_t depth, const window_t *w,
                        int32_t c0, int32_t n, int32_t *acc)
{
    if ((w->fy1 - w->fy0) * (w->fx1 - w->fx0) <= 256) {
        int16_t acc16[MICRO_POOL_BLOCK];
        for (int32_t i = 0; i < n; ++i) {
            acc16[i] = 0;
        }
        for (int32_t fy = w->fy0; fy < w->fy1; ++fy) {
            const int64_t row = (int64_t)(w->y0 + fy) * width;
            for (int32_t fx = w->fx0; fx < w->fx1; ++fx) {
                const int8_t *px = image + (row + w->x0 + fx) * depth + c0;
                for (int32_t i = 0; i < n; ++i) {
                    acc16[i] = (int16_t)(acc16[i] + px[i]);
                }
            }
        }
        for (int32_t i = 0; i < n; ++i) {
            acc[i] = acc16[i];
        }
        return;
    }
    for (int32_t i = 0; i < n; ++i) {
        acc[i] = 0;
    }
    for (int32_t fy = w->fy0; fy < w->fy1; ++fy) {
        const int64_t row = (int64_t)(w->y0 + fy) * width;
        for (int32_t fx = w->fx0; fx < w->fx1; ++fx) {
            const int8_t *px = image + (row + w->x0 + fx) * depth + c0;
            for (int32_t i = 0; i < n; ++i) {
                acc[i] += px[i];
            }
        }
    }
}

micro_status_t micro_average_pool_s8(const micro_pool_s8_params_t *p, const int8_t *input,
                                     int8_t *output)
{
    const int32_t depth = p->channels;
    int32_t acc[MICRO_POOL_BLOCK];
    int8_t *out = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_h * p->input_w * depth;
        for (int32_t oy = 0; oy < p->output_h; ++oy) {
            window_t w;
            w.y0 = oy * p->stride_h - p->pad_h;
            micro_pool_taps(w.y0, p->filter_h, p->input_h, &w.fy0, &w.fy1);
            for (int32_t ox = 0; ox < p->output_w; ++ox) {
                w.x0 = ox * p->stride_w - p->pad_w;
                micro_pool_taps(w.x0, p->filter_w, p->input_w, &w.fx0, &w.fx1);
                const int32_t count = (w.fy1 - w.fy0) * (w.fx1 - w.fx0);
                const uint32_t half = (uint32_t)count / 2u;
                const micro_divisor_t div = micro_divisor((uint32_t)count);
                for (int32_t c0 = 0; c0 < depth; c0 += MICRO_POOL_BLOCK) {
                    const int32_t n =
                        depth - c0 < MICRO_POOL_BLOCK ? depth - c0 : MICRO_POOL_BLOCK;
                    window_sums(image, p->input_w, depth, &w, c0, n, acc);
                    for (int32_t i = 0; i < n; ++i) {
                        /* (sum > 0 ? sum + half : sum - half) / count, truncating */
                        const int32_t sum = acc[i];
                        const uint32_t magnitude = (uint32_t)(sum > 0 ? sum : -sum) + half;
                        const int32_t q = (int32_t)(((uint64_t)magnitude * div.m) >> div.k);
                        const int32_t avg = sum > 0 ? q : -q;
                        out[i] = (int8_t)micro_clamp(avg, p->act_min, p->act_max);
                    }
                    out += n;
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_average_pool_s8(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_pool_check(params, size);
}

const micro_kernel_t micro_kernel_average_pool_s8 = {step, check,
                                                     sizeof(micro_pool_s8_params_t), 2};
