/*
 * int16x8 convolution on dual 16-bit multiply-accumulates (SMLAD on the int16 input's own
 * pairs), the twin of micro_conv_s16 (conv_s16.c, its oracle: same bytes out).
 *
 * Output pixel by pixel, output channels 4 at a time within a group: two input words
 * (x0, x1), (x2, x3) are repacked (PKHBT, PKHTB) into (x0, x2), (x1, x3), the pairs the
 * two SXTB16 halves of a filter word hold, and meet the 4 channels' filter words: per 16
 * products 2 loads and 2 packs, then 4 x (1 load, 2 SXTB16, 2 SMLAD).
 *
 * Sums: a product is at most 2^22 in magnitude, an SMLAD adds two, so a 32-bit partial sum
 * of at most LIMIT = 510 values, started at 0, is exact. The 64-bit accumulator (accum 64)
 * therefore adds exact 32-bit partials of at most LIMIT values: the reference's int64 sum,
 * bit for bit. accum 32 keeps one 32-bit sum modulo 2^32, as the reference's int32 one.
 */
#include "micro/kernels/conv_s16_dsp.h"

#include <stddef.h>
#include <stdint.h>

#include "dsp_dot.h"
#include "requant.h"

#define LIMIT 510

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* 4 rows' products with 4 values in 27 instructions (GCC's own loop spills: the 4 rows'
 * pointers, the accumulators and the pairs want more registers than the core has; here
 * rows 2 and 3 share one address computed per turn). n: groups of 4 values, >= 1. */
static inline void dot4_groups(const int16_t **x, const int8_t **w, ptrdiff_t stride, int32_t n,
                               int32_t *a0, int32_t *a1, int32_t *a2, int32_t *a3)
{
    const int16_t *xp = *x;
    const int8_t *wp = *w;
    int32_t r0 = *a0, r1 = *a1, r2 = *a2, r3 = *a3;
    uint32_t lo, hi, e, u, t;
    __asm__ volatile("1:\n\t"
                     "ldr %[lo], [%[x]], #4\n\t"
                     "ldr %[hi], [%[x]], #4\n\t"
                     "pkhbt %[e], %[lo], %[hi], lsl #16\n\t"
                     "pkhtb %[hi], %[hi], %[lo], asr #16\n\t"
                     MICRO_DOT4_ROWS_ASM
                     : MICRO_DOT4_ROWS_OPERANDS
                     : [s] "r"(stride)
                     : "cc", "memory");
    *x = xp;
    *w = wp;
    *a0 = r0;
    *a1 = r1;
    *a2 = r2;
    *a3 = r3;
}
#endif

/* acc[j] += sum_{k < n} x[k] * w[j * stride + k] for j < 4 (or j < 1: `four` 0). */
static MICRO_ALWAYS_INLINE void dot(int four, const int16_t *x, const int8_t *w,
                                    ptrdiff_t stride, int32_t n, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t k = 0;
#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
    if (four && n >= 4) {
        k = n & ~3;
        dot4_groups(&x, &w, stride, n >> 2, &a0, &a1, &a2, &a3);
        n -= k;
        k = 0;
    }
#endif
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    for (; k + 4 <= n; k += 4) {
        const uint32_t x01 = micro_read4(x + k), x23 = micro_read4(x + k + 2);
        const uint32_t xe = micro_pkh_lo(x01, x23), xo = micro_pkh_hi(x01, x23);
        a0 = micro_dot_pairs(xe, xo, w0 + k, a0);
        if (four) {
            a1 = micro_dot_pairs(xe, xo, w1 + k, a1);
            a2 = micro_dot_pairs(xe, xo, w2 + k, a2);
            a3 = micro_dot_pairs(xe, xo, w3 + k, a3);
        }
    }
    for (; k < n; ++k) {
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(x[k] * w0[k]));
        if (four) {
            a1 = (int32_t)((uint32_t)a1 + (uint32_t)(x[k] * w1[k]));
            a2 = (int32_t)((uint32_t)a2 + (uint32_t)(x[k] * w2[k]));
            a3 = (int32_t)((uint32_t)a3 + (uint32_t)(x[k] * w3[k]));
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* Where a pixel's window reads: the image, its output position and its group's channels. */
typedef struct {
    const micro_conv_geometry_t *g;
    const int16_t *image; /* the batch's image, at the group's first channel */
    int32_t iy0, ix0;     /* the window's top-left input position (may be outside) */
    int32_t limit;        /* values per exact 32-bit partial: LIMIT, or all (accum 32) */
} window_t;

/* sum[j] = the window sum of output channel oc + j (j < 4, or j < 1: `four` 0), in 64 bits
 * exactly (accum 64) or modulo 2^32 in the low word (accum 32). */
static MICRO_ALWAYS_INLINE void window_sums(int four, const window_t *v, const int8_t *filter,
                                            int32_t oc, int64_t *sum)
{
    const micro_conv_geometry_t *g = v->g;
    const int32_t fd = g->filter_depth;
    const ptrdiff_t oc_stride = (ptrdiff_t)g->filter_height * g->filter_width * fd;
    const int8_t *wbase = filter + (ptrdiff_t)oc * oc_stride;
    int32_t part[4] = {0, 0, 0, 0};
    int32_t used = 0;
    for (int j = 0; j < 4; ++j) {
        sum[j] = 0;
    }
    /* Taps kx0 <= kx < kx1 inside the image: with one group and no column dilation their
     * input values, like their weights, are one run of (kx1 - kx0) * fd. */
    const int32_t dw = g->dilation_width;
    int32_t kx0 = v->ix0 >= 0 ? 0 : (-v->ix0 + dw - 1) / dw;
    int32_t kx1 = (g->input_width - v->ix0 + dw - 1) / dw;
    kx1 = kx1 < g->filter_width ? kx1 : g->filter_width;
    const int run = dw == 1 && g->groups == 1;
    const int32_t len = run ? (kx1 - kx0) * fd : fd;
    for (int32_t ky = 0; ky < g->filter_height; ++ky) {
        const int32_t iy = v->iy0 + ky * g->dilation_height;
        if (iy < 0 || iy >= g->input_height) {
            continue;
        }
        for (int32_t kx = kx0; kx < kx1; kx += run ? kx1 - kx0 : 1) {
            const int32_t ix = v->ix0 + kx * dw;
            const int16_t *in = v->image + ((ptrdiff_t)iy * g->input_width + ix) * g->input_depth;
            const int8_t *w = wbase + ((ptrdiff_t)ky * g->filter_width + kx) * fd;
            for (int32_t c = 0; c < len;) {
                int32_t m = len - c < v->limit ? len - c : v->limit;
                if (used + m > v->limit) {
                    for (int j = 0; j < 4; ++j) {
                        sum[j] += part[j];
                        part[j] = 0;
                    }
                    used = 0;
                }
                dot(four, in + c, w + c, oc_stride, m, part);
                used += m;
                c += m;
            }
        }
    }
    for (int j = 0; j < 4; ++j) {
        sum[j] += part[j];
    }
}

MICRO_NOINLINE static void sums4(const window_t *v, const int8_t *filter, int32_t oc,
                                 int64_t *sum)
{
    window_sums(1, v, filter, oc, sum);
}

MICRO_NOINLINE static void sums1(const window_t *v, const int8_t *filter, int32_t oc,
                                 int64_t *sum)
{
    window_sums(0, v, filter, oc, sum);
}

micro_status_t micro_conv_s16_dsp(const micro_conv_s16_params_t *p, const int16_t *input,
                                  const int8_t *filter, const void *bias,
                                  const int32_t *multiplier, const int32_t *shift,
                                  int16_t *output)
{
    const micro_conv_geometry_t *g = &p->geometry;
    const int wide = p->accum == 64;
    const int32_t per_group = g->output_depth / g->groups;
    const ptrdiff_t image_size = (ptrdiff_t)g->input_height * g->input_width * g->input_depth;
    window_t v;
    v.g = g;
    v.limit = wide ? LIMIT : INT32_MAX;
    for (int32_t b = 0; b < g->batches; ++b) {
        for (int32_t y = 0; y < g->output_height; ++y) {
            v.iy0 = y * g->stride_height - g->pad_top;
            for (int32_t x = 0; x < g->output_width; ++x) {
                v.ix0 = x * g->stride_width - g->pad_left;
                for (int32_t grp = 0; grp < g->groups; ++grp) {
                    v.image = input + b * image_size + (ptrdiff_t)grp * g->filter_depth;
                    const int32_t end = (grp + 1) * per_group;
                    for (int32_t oc = grp * per_group; oc < end;) {
                        int64_t sum[4];
                        const int32_t n = end - oc >= 4 ? 4 : 1;
                        if (n == 4) {
                            sums4(&v, filter, oc, sum);
                        } else {
                            sums1(&v, filter, oc, sum);
                        }
                        for (int32_t j = 0; j < n; ++j, ++oc) {
                            const int32_t r = micro_requantize_sum(sum[j], bias, oc, wide,
                                                                   multiplier[oc], shift[oc]);
                            *output++ = (int16_t)micro_clamp(r, p->act_min, p->act_max);
                        }
                    }
                }
            }
        }
    }
    return MICRO_OK;
}
