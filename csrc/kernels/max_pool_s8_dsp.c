/*
 * MAX_POOL_2D int8, the twin of micro_max_pool_s8 (max_pool_s8.c, its oracle: same bytes
 * out). Over a multiple of 4 channels, per output pixel and group of 4 channels, each tap
 * is one word folded into the running maxima by SSUB8 + SEL (micro_max8), which start at
 * act_min (the lower clamp); the upper clamp is one more max of the negated values. Any
 * other depth runs the reference. Within an output row the order of reads and writes is
 * free under the reference's overlap rule (micro_pool_gap works by rows).
 */
#include "micro/kernels/max_pool_s8_dsp.h"

#include <stdint.h>
#include <string.h>

#include "dsp.h"
#include "pool.h"

typedef struct {
    int32_t depth;
    uint32_t lo4, not_hi4; /* act_min in each byte; ~act_max in each byte */
} clamp_t;

/* One output pixel: per group of 4 channels, each tap one word folded into the maxima. */
static void pixel(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const clamp_t *k = ctx;
    for (int32_t c = 0; c < k->depth; c += 4, out += 4) {
        uint32_t best = k->lo4;
        const int8_t *row = w->corner + c;
        for (int32_t fy = 0; fy < w->rows; ++fy, row += w->row_step) {
            const int8_t *px = row;
            for (int32_t fx = 0; fx < w->cols; ++fx, px += k->depth) {
                best = micro_max8(micro_read4(px), best);
            }
        }
        const uint32_t v = ~micro_max8(~best, k->not_hi4);
        memcpy(out, &v, sizeof v);
    }
}

micro_status_t micro_max_pool_s8_dsp(const micro_pool_s8_params_t *p, const int8_t *input,
                                     int8_t *output)
{
    if ((p->channels & 3) != 0) {
        return micro_max_pool_s8(p, input, output);
    }
    /* min(v, hi) = ~max(~v, ~hi): ~ maps int8 x to -1 - x, reversing the order. */
    const clamp_t k = {p->channels, ((uint32_t)p->act_min & 0xFFu) * 0x01010101u,
                       ~(((uint32_t)p->act_max & 0xFFu) * 0x01010101u)};
    micro_pool_walk(p, input, output, pixel, &k);
    return MICRO_OK;
}
