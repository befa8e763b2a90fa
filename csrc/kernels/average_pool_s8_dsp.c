/*
 * AVERAGE_POOL_2D int8, the twin of micro_average_pool_s8 (average_pool_s8.c, its oracle:
 * same bytes out). Windows of at most 256 taps over a multiple of 4 channels: per output
 * pixel and group of 4 channels, each tap is one word, split by SXTB16 into channels
 * (0, 2) and (1, 3) and added by SADD16 into two pairs of int16 sums (256 taps of int8
 * fit int16), then each sum divided as the reference does (micro_divisor256). Any other
 * shape runs the reference. Within an output row the order of reads and writes is free
 * under the reference's overlap rule (micro_pool_gap works by rows).
 */
#include "micro/kernels/average_pool_s8_dsp.h"

#include <stdint.h>

#include "dsp.h"
#include "pool.h"

typedef struct {
    int32_t depth, lo, hi;
} clamp_t;

/* One output pixel: per group of 4 channels, each tap one word added into int16 sums. */
static void pixel(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const clamp_t *k = ctx;
    const int32_t lo = k->lo, hi = k->hi;
    const uint32_t count = (uint32_t)(w->rows * w->cols);
    const uint32_t m = micro_divisor256(count), half = count / 2u;
    for (int32_t c = 0; c < k->depth; c += 4, out += 4) {
        uint32_t even = 0, odd = 0; /* int16 sums of channels (0, 2), (1, 3) */
        const int8_t *row = w->corner + c;
        for (int32_t fy = 0; fy < w->rows; ++fy, row += w->row_step) {
            const int8_t *px = row;
            for (int32_t fx = 0; fx < w->cols; ++fx, px += k->depth) {
                const uint32_t v = micro_read4(px);
                even = micro_sadd16(even, micro_sxtb16(v));
                odd = micro_sadd16(odd, micro_sxtb16_hi(v));
            }
        }
        out[0] = micro_pool_average256((int16_t)even, half, m, lo, hi);
        out[1] = micro_pool_average256((int16_t)odd, half, m, lo, hi);
        out[2] = micro_pool_average256((int16_t)(even >> 16), half, m, lo, hi);
        out[3] = micro_pool_average256((int16_t)(odd >> 16), half, m, lo, hi);
    }
}

micro_status_t micro_average_pool_s8_dsp(const micro_pool_s8_params_t *p, const int8_t *input,
                                         int8_t *output)
{
    if ((p->channels & 3) != 0 || p->filter_h * p->filter_w > 256) {
        return micro_average_pool_s8(p, input, output);
    }
    const clamp_t k = {p->channels, p->act_min, p->act_max};
    micro_pool_walk(p, input, output, pixel, &k);
    return MICRO_OK;
}
