/*
 * AVERAGE_POOL_2D int8, the twin of micro_average_pool_s8 (average_pool_s8.c, its oracle:
 * same bytes out). Windows of at most 256 taps over a multiple of 4 channels; any other
 * shape runs the reference. Within an output row the order of reads and writes is free
 * under the reference's overlap rule (micro_pool_gap works by rows).
 *
 * Sums: per output pixel and group of 8 (then 4) channels, each tap is one word per 4
 * channels added by two SXTAB16 into two registers of int16 lanes, channels (0, 2) and
 * (1, 3): 256 int8 taps fit int16. A window whose rows are whole input rows is one run of
 * taps. On a DSP core the tap loop is asm, two taps a turn: LDR per word, two
 * SXTAB16 per word, ADD per tap, SUBS and BNE per pair of taps (1.0 instructions per
 * input byte for 8 channels).
 *
 * Average: the reference's (s > 0 ? s + half : s - half) / count, truncated, is
 * floor((s + B - t) / count) - 128 with B = 128 * count + half and t = 1 for s < 0 and an
 * even count (else 0): n = s + B - t lies in [0, 65408] for every count up to 256 and
 * sum of that many int8 taps (checked for all of them, tests/test_dsp_pool.py), so B - t
 * joins both lanes of a register at once (SADD16, SSUB16), each n divides by one MUL and
 * a shift (micro_divisor256: n < 256 * count keeps it exact and n * m < 2^32), and the four
 * bytes n / count, 0..255, are the outputs plus 128: one EOR, or the clamp as saturating
 * byte arithmetic (UQSUB8, UQADD8, UADD8).
 */
#include "micro/kernels/average_pool_s8_dsp.h"

#include <stdint.h>
#include <string.h>

#include "dsp.h"
#include "pool.h"

typedef struct {
    int32_t depth;
    int clamp;     /* 0: the full int8 range (the outputs are one EOR) */
    uint32_t low4; /* act_min + 128 in each byte */
    uint32_t top4; /* 255 - (act_max - act_min) in each byte */
    uint32_t lo4;  /* act_min's byte in each byte */
} avg_t;

/* Lane-wise acc + the sign-extended bytes 0 and 2 of x (SXTAB16), and bytes 1 and 3
 * (SXTAB16 with ROR #8), modulo 2^16. */
#if MICRO_DSP
static inline uint32_t sxtab16(uint32_t acc, uint32_t x)
{
    return (uint32_t)__sxtab16((int16x2_t)acc, (int8x4_t)x);
}

static inline uint32_t sxtab16_hi(uint32_t acc, uint32_t x)
{
    return micro_sadd16(acc, micro_sxtb16_hi(x));
}
#else
static inline uint32_t sxtab16(uint32_t acc, uint32_t x)
{
    return micro_sadd16(acc, micro_sxtb16(x));
}

static inline uint32_t sxtab16_hi(uint32_t acc, uint32_t x)
{
    return micro_sadd16(acc, micro_sxtb16_hi(x));
}
#endif

/* One tap of 8 channels at px into e0, o0 (channels 0-3) and e1, o1 (4-7), and of 4. */
static MICRO_ALWAYS_INLINE void tap8(const int8_t *px, uint32_t *e0, uint32_t *o0, uint32_t *e1,
                        uint32_t *o1)
{
    const uint32_t v = micro_read4(px), w = micro_read4(px + 4);
    *e0 = sxtab16(*e0, v);
    *o0 = sxtab16_hi(*o0, v);
    *e1 = sxtab16(*e1, w);
    *o1 = sxtab16_hi(*o1, w);
}

static MICRO_ALWAYS_INLINE void tap4(const int8_t *px, uint32_t *e0, uint32_t *o0)
{
    const uint32_t v = micro_read4(px);
    *e0 = sxtab16(*e0, v);
    *o0 = sxtab16_hi(*o0, v);
}

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* `pairs` (>= 1) pairs of taps `step` bytes apart from px, 8 channels each (Thumb-2 has
 * no register post-increment: one ADD per tap). */
static inline void pairs8(const int8_t *px, int32_t pairs, int32_t step, uint32_t *e0,
                          uint32_t *o0, uint32_t *e1, uint32_t *o1)
{
    uint32_t v, w;
    __asm__ volatile("1:\n\t"
                     "ldr %[w], [%[px], #4]\n\t"
                     "ldr %[v], [%[px]]\n\t"
                     "add %[px], %[px], %[step]\n\t"
                     "sxtab16 %[e1], %[e1], %[w]\n\t"
                     "sxtab16 %[o1], %[o1], %[w], ror #8\n\t"
                     "sxtab16 %[e0], %[e0], %[v]\n\t"
                     "sxtab16 %[o0], %[o0], %[v], ror #8\n\t"
                     "ldr %[w], [%[px], #4]\n\t"
                     "ldr %[v], [%[px]]\n\t"
                     "add %[px], %[px], %[step]\n\t"
                     "sxtab16 %[e1], %[e1], %[w]\n\t"
                     "sxtab16 %[o1], %[o1], %[w], ror #8\n\t"
                     "sxtab16 %[e0], %[e0], %[v]\n\t"
                     "sxtab16 %[o0], %[o0], %[v], ror #8\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [px] "+r"(px), [n] "+r"(pairs), [e0] "+r"(*e0), [o0] "+r"(*o0),
                       [e1] "+r"(*e1), [o1] "+r"(*o1), [v] "=&r"(v), [w] "=&r"(w)
                     : [step] "r"(step)
                     : "cc", "memory");
}

/* The same for 4 channels: the pair's second tap by a register offset. */
static inline void pairs4(const int8_t *px, int32_t pairs, int32_t step, uint32_t *e0,
                          uint32_t *o0)
{
    uint32_t v, w;
    __asm__ volatile("1:\n\t"
                     "ldr %[w], [%[px], %[step]]\n\t"
                     "ldr %[v], [%[px]]\n\t"
                     "add %[px], %[px], %[step], lsl #1\n\t"
                     "sxtab16 %[e0], %[e0], %[v]\n\t"
                     "sxtab16 %[o0], %[o0], %[v], ror #8\n\t"
                     "sxtab16 %[e0], %[e0], %[w]\n\t"
                     "sxtab16 %[o0], %[o0], %[w], ror #8\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [px] "+r"(px), [n] "+r"(pairs), [e0] "+r"(*e0), [o0] "+r"(*o0),
                       [v] "=&r"(v), [w] "=&r"(w)
                     : [step] "r"(step)
                     : "cc", "memory");
}
#else
static inline void pairs8(const int8_t *px, int32_t pairs, int32_t step, uint32_t *e0,
                          uint32_t *o0, uint32_t *e1, uint32_t *o1)
{
    for (int32_t i = 0; i < 2 * pairs; ++i, px += step) {
        tap8(px, e0, o0, e1, o1);
    }
}

static inline void pairs4(const int8_t *px, int32_t pairs, int32_t step, uint32_t *e0,
                          uint32_t *o0)
{
    for (int32_t i = 0; i < 2 * pairs; ++i, px += step) {
        tap4(px, e0, o0);
    }
}
#endif

/* `taps` taps `step` bytes apart from px: an odd one first, then pairs. */
static inline void taps8(const int8_t *px, int32_t taps, int32_t step, uint32_t *e0,
                         uint32_t *o0, uint32_t *e1, uint32_t *o1)
{
    if (taps & 1) {
        tap8(px, e0, o0, e1, o1);
        px += step;
    }
    if (taps > 1) {
        pairs8(px, taps >> 1, step, e0, o0, e1, o1);
    }
}

static inline void taps4(const int8_t *px, int32_t taps, int32_t step, uint32_t *e0,
                         uint32_t *o0)
{
    if (taps & 1) {
        tap4(px, e0, o0);
        px += step;
    }
    if (taps > 1) {
        pairs4(px, taps >> 1, step, e0, o0);
    }
}

/* A pixel's divisor constants: bias = B per lane, odd1 = the lanes' t bits where the count
 * is even (0x00010001) or none, m = micro_divisor256(count). */
typedef struct {
    uint32_t bias, odd1, m;
} divide_t;

/* The four channels of the int16 sums e (channels 0, 2) and o (1, 3), averaged and
 * clamped, as a word of output bytes. */
static MICRO_ALWAYS_INLINE uint32_t average4(const avg_t *k, const divide_t *d, uint32_t e, uint32_t o)
{
    const uint32_t ne = micro_ssub16(micro_sadd16(e, d->bias), d->odd1 & (e >> 15));
    const uint32_t no = micro_ssub16(micro_sadd16(o, d->bias), d->odd1 & (o >> 15));
    const uint32_t p0 = (ne & 0xFFFFu) * d->m, p2 = (ne >> 16) * d->m;
    const uint32_t p1 = (no & 0xFFFFu) * d->m, p3 = (no >> 16) * d->m;
    /* The quotients are the top bytes of p0..p3: bytes 0..3 of the word. */
    const uint32_t q = (p0 >> 24) | (p1 >> 24) << 8 | (p2 >> 24) << 16 | (p3 & 0xFF000000u);
    if (!k->clamp) {
        return q ^ 0x80808080u;
    }
    const uint32_t above = micro_uqsub8(q, k->low4); /* output - act_min, at least 0 */
    return micro_uadd8(micro_uqsub8(micro_uqadd8(above, k->top4), k->top4), k->lo4);
}

/* One output pixel: per group of 8, then 4 channels, the window's taps, then the averages. */
static void pixel(const void *ctx, const micro_pool_window_t *w, int8_t *out)
{
    const avg_t *k = ctx;
    const int32_t depth = k->depth;
    const uint32_t count = (uint32_t)(w->rows * w->cols);
    const uint32_t bias = 128u * count + count / 2u;
    const divide_t d = {bias | bias << 16, (count & 1u) ? 0u : 0x00010001u,
                        micro_divisor256(count)};
    /* Whole input rows: the window is one run of taps. */
    const int run = w->cols * depth == w->row_step;
    const int32_t rows = run ? 1 : w->rows, cols = run ? w->rows * w->cols : w->cols;
    int32_t c = 0;
    for (; c + 8 <= depth; c += 8, out += 8) {
        uint32_t e0 = 0, o0 = 0, e1 = 0, o1 = 0;
        const int8_t *row = w->corner + c;
        for (int32_t fy = 0; fy < rows; ++fy, row += w->row_step) {
            taps8(row, cols, depth, &e0, &o0, &e1, &o1);
        }
        const uint32_t lo = average4(k, &d, e0, o0), hi = average4(k, &d, e1, o1);
        memcpy(out, &lo, sizeof lo);
        memcpy(out + 4, &hi, sizeof hi);
    }
    if (c < depth) {
        uint32_t e0 = 0, o0 = 0;
        const int8_t *row = w->corner + c;
        for (int32_t fy = 0; fy < rows; ++fy, row += w->row_step) {
            taps4(row, cols, depth, &e0, &o0);
        }
        const uint32_t v = average4(k, &d, e0, o0);
        memcpy(out, &v, sizeof v);
    }
}

micro_status_t micro_average_pool_s8_dsp(const micro_pool_s8_params_t *p, const int8_t *input,
                                         int8_t *output)
{
    if ((p->channels & 3) != 0 || p->filter_h * p->filter_w > 256) {
        return micro_average_pool_s8(p, input, output);
    }
    const uint32_t lo = (uint32_t)p->act_min & 0xFFu;
    const avg_t k = {p->channels, p->act_min != -128 || p->act_max != 127,
                     (uint32_t)(p->act_min + 128) * 0x01010101u,
                     (uint32_t)(255 - (p->act_max - p->act_min)) * 0x01010101u,
                     lo * 0x01010101u};
    micro_pool_walk(p, input, output, pixel, &k);
    return MICRO_OK;
}
