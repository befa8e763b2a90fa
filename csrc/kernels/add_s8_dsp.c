/*
 * ADD/SUB int8, the twin of micro_add_s8 (add_s8.c, its oracle: same bytes out).
 *
 * With the sums tables (add_s8.h; the compiler writes them for a DSP core) an element is
 * two table loads, an add and one SSAT: the requantization is inside the tables. Rows of
 * two dense inputs go 8 elements per turn, two words of each input in, the results packed
 * by BFI into two words out (all 8 read before any is written: the reference's in-place
 * rule holds; half the loop overhead of 4 per turn).
 *
 * Without them: the reference's two table loads per element, then the output
 * requantization as one SMMLAR and shifts (micro_requant_out, dsp.h) instead of the
 * reference's 64-bit high multiply. Rows of two dense inputs with the fast requantization
 * (micro_requant_fast_ok, dsp.h) go 4 elements per turn in the same way.
 */
#include "micro/kernels/add_s8_dsp.h"

#include <stdint.h>
#include <string.h>

#include "broadcast_loop.h"
#include "dsp.h"

typedef struct {
    const micro_add_s8_params_t *p;
    const int32_t *table1; /* or input1's sums table */
    const int32_t *table2; /* or input2's */
    int fast; /* micro_requant_fast_ok for the output's constants */
} add_dsp_t;

/* micro_ssat8_high is the shift of the sums tables. */
typedef char micro_add_sums_shift_is_16[MICRO_ADD_SUMS_SHIFT == 16 ? 1 : -1];

/* One element through the sums tables s1 (input1's) and s2, by its input bytes x and y
 * (0..255), clamped to [lo, hi]. */
static MICRO_ALWAYS_INLINE int32_t sums_lane(const int32_t *s1, const int32_t *s2, uint32_t x,
                                             uint32_t y, int clamp, int32_t lo, int32_t hi)
{
    const uint32_t sum = (uint32_t)s1[x] + (uint32_t)s2[y]; /* 2^31 wraps */
    const int32_t v = micro_ssat8_high((int32_t)sum);
    return clamp ? (v < lo ? lo : (v > hi ? hi : v)) : v;
}

/* Byte j of the words va and vb through the sums tables. */
#define SUMS_BYTE(va, vb, j) \
    sums_lane(s1, s2, ((va) >> (8 * (j))) & 0xFFu, ((vb) >> (8 * (j))) & 0xFFu, clamp, lo, hi)

/* A row through the sums tables (`clamp`: an activation range narrower than int8's). */
static MICRO_ALWAYS_INLINE void sums_row(const add_dsp_t *c, const int8_t *a,
                                         int32_t stride_a, const int8_t *b, int32_t stride_b,
                                         int8_t *out, int32_t n, int clamp)
{
    const int32_t *s1 = c->table1, *s2 = c->table2;
    const int32_t lo = c->p->act_min, hi = c->p->act_max;
    int32_t i = 0;
    if (stride_a == 1 && stride_b == 1) {
        for (; i + 8 <= n; i += 8) {
            const uint32_t va = micro_read4(a + i), vb = micro_read4(b + i);
            const uint32_t wa = micro_read4(a + i + 4), wb = micro_read4(b + i + 4);
            uint32_t v = (uint32_t)SUMS_BYTE(va, vb, 0);
            v = micro_bfi8(v, SUMS_BYTE(va, vb, 1), 1);
            v = micro_bfi8(v, SUMS_BYTE(va, vb, 2), 2);
            v = micro_bfi8(v, SUMS_BYTE(va, vb, 3), 3);
            uint32_t w = (uint32_t)SUMS_BYTE(wa, wb, 0);
            w = micro_bfi8(w, SUMS_BYTE(wa, wb, 1), 1);
            w = micro_bfi8(w, SUMS_BYTE(wa, wb, 2), 2);
            w = micro_bfi8(w, SUMS_BYTE(wa, wb, 3), 3);
            memcpy(out + i, &v, sizeof v);
            memcpy(out + i + 4, &w, sizeof w);
        }
    }
    for (; i < n; ++i) {
        const uint32_t x = (uint8_t)a[i * stride_a], y = (uint8_t)b[i * stride_b];
        out[i] = (int8_t)sums_lane(s1, s2, x, y, clamp, lo, hi);
    }
}

static void add_row_sums(const void *ctx, const void *input1, int32_t stride_a,
                         const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const add_dsp_t *c = ctx;
    if (c->p->act_min == -128 && c->p->act_max == 127) {
        sums_row(c, input1, stride_a, input2, stride_b, output, n, 0);
    } else {
        sums_row(c, input1, stride_a, input2, stride_b, output, n, 1);
    }
}

/* Byte j of the words va, vb through the tables, requantized by the fast path. */
static inline int32_t add_lane(uint32_t va, uint32_t vb, int j, const int32_t *t1,
                               const int32_t *t2, int32_t m2, int32_t right1, int32_t zp2)
{
    const int32_t sum = t1[(va >> (8 * j)) & 0xFFu] + t2[(vb >> (8 * j)) & 0xFFu];
    return micro_requant_fast_out(sum, m2, right1, zp2);
}

/* n elements of two dense rows, 4 at a time; returns how many it did (a multiple of 4). */
static int32_t add_dense_fast(const add_dsp_t *c, const int8_t *a, const int8_t *b,
                              int8_t *out, int32_t n)
{
    const int32_t *t1 = c->table1, *t2 = c->table2;
    const int32_t m2 = (int32_t)((uint32_t)c->p->output_multiplier << 1);
    const int32_t right1 = ~c->p->output_shift, zp2 = 1 + 2 * c->p->output_zp;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t va = micro_read4(a + i), vb = micro_read4(b + i);
        uint32_t v = (uint32_t)add_lane(va, vb, 0, t1, t2, m2, right1, zp2);
        v = micro_bfi8(v, add_lane(va, vb, 1, t1, t2, m2, right1, zp2), 1);
        v = micro_bfi8(v, add_lane(va, vb, 2, t1, t2, m2, right1, zp2), 2);
        v = micro_bfi8(v, add_lane(va, vb, 3, t1, t2, m2, right1, zp2), 3);
        memcpy(out + i, &v, sizeof v);
    }
    return i;
}

static void add_row(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const add_dsp_t *c = ctx;
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    if (c->fast && stride_a == 1 && stride_b == 1) {
        const int32_t done = add_dense_fast(c, a, b, out, n);
        a += done;
        b += done;
        out += done;
        n -= done;
    }
    const int32_t *t1 = c->table1, *t2 = c->table2;
    /* Locals: stores through int8_t pointers may alias anything. */
    const micro_requant_channel_t k =
        micro_requant_channel(c->p->output_multiplier, c->p->output_shift);
    const int32_t zp = c->p->output_zp, zp2 = 1 + 2 * zp, lo = c->p->act_min, hi = c->p->act_max;
    for (int32_t i = 0; i < n; ++i, a += stride_a, b += stride_b) {
        const int32_t sum = t1[(uint8_t)*a] + t2[(uint8_t)*b];
        out[i] = (int8_t)micro_requant_out(sum, k, zp, zp2, lo, hi);
    }
}

micro_status_t micro_add_s8_dsp(const micro_add_s8_params_t *p, const int8_t *input1,
                                const int8_t *input2, const int32_t *table1,
                                const int32_t *table2, const int32_t *sums, int8_t *output)
{
    if (sums != NULL) {
        const add_dsp_t ctx = {p, sums, sums + 256, 0}; /* the sums tables */
        micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row_sums, &ctx);
        return MICRO_OK;
    }
    const add_dsp_t ctx = {p, table1, table2,
                           micro_requant_fast_ok(&p->output_multiplier, &p->output_shift, 1,
                                                 p->act_min, p->act_max)};
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row, &ctx);
    return MICRO_OK;
}
