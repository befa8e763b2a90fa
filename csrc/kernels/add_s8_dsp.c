/*
 * ADD/SUB int8, the twin of micro_add_s8 (add_s8.c, its oracle: same bytes out).
 *
 * With the sums tables (add_s8.h; the compiler writes them for a DSP core) an element is
 * two table loads, an add and one SSAT: the requantization is inside the tables. Rows of
 * two dense inputs go 8 elements per turn, two words of each input in, the results packed
 * by BFI into two words out (all 8 read before any is written: the reference's in-place
 * rule holds; half the loop overhead of 4 per turn).
 *
 * With the linear form (add_s8.h) no table is read: a word of each input gives four
 * elements, its even and odd bytes masked into two registers of 16-bit lanes x * 256, two
 * SMLAWB/SMLAWT per element, then PKHTB pairs the sums' high halves, USAT16 clamps both
 * lanes at once, an ORR packs the four bytes and UADD8 adds act_min to each (UQADD8 and
 * UQSUB8 clamp them at act_max first where it is below act_min + 255).
 *
 * Without either: the reference's two table loads per element, then the output
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

/* The linear form's constants; act_min and 255 - (act_max - act_min) in each byte. */
typedef struct {
    int32_t a, b, c;
    int32_t lo, span; /* act_min, act_max - act_min */
    uint32_t lo4, top4;
} linear_t;

#define LINEAR_LANES 0xFF00FF00u /* a word's odd bytes as 16-bit lanes x * 256 */

/* An input byte as lane 0, x * 256. */
static inline uint32_t linear_lane(int8_t x)
{
    return (uint32_t)(uint8_t)x << 8;
}

/* Four sums as bytes 0..3 of a word: their high halves clamped to [0, 255]. */
static MICRO_ALWAYS_INLINE uint32_t linear_pack(int32_t e0, int32_t e1, int32_t e2, int32_t e3)
{
    return micro_usat16_8(micro_pkh_hi((uint32_t)e0, (uint32_t)e2)) |
           micro_usat16_8(micro_pkh_hi((uint32_t)e1, (uint32_t)e3)) << 8;
}

/* A packed word clamped to [0, span] (top4: 255 - span per byte) and moved by lo4;
 * without the clamp lo is -128, and adding 128 to each byte is one EOR. */
static MICRO_ALWAYS_INLINE uint32_t linear_finish(uint32_t v, uint32_t lo4, uint32_t top4,
                                                  int clamp)
{
    if (!clamp) {
        return v ^ 0x80808080u;
    }
    return micro_uadd8(micro_uqsub8(micro_uqadd8(v, top4), top4), lo4);
}

/* Four elements of two dense rows from a word of each (lanes: LINEAR_LANES). */
static MICRO_ALWAYS_INLINE uint32_t linear_word(int32_t ka, int32_t kb, int32_t kc,
                                                uint32_t lanes, uint32_t va, uint32_t vb)
{
    const uint32_t ae = micro_and_lsl8(lanes, va), ao = va & lanes;
    const uint32_t be = micro_and_lsl8(lanes, vb), bo = vb & lanes;
    return linear_pack(micro_smlawb(kb, be, micro_smlawb(ka, ae, kc)),
                       micro_smlawb(kb, bo, micro_smlawb(ka, ao, kc)),
                       micro_smlawt(kb, be, micro_smlawt(ka, ae, kc)),
                       micro_smlawt(kb, bo, micro_smlawt(ka, ao, kc)));
}

/* One sum as an output byte. */
static inline int8_t linear_byte(const linear_t *k, int32_t e)
{
    const int32_t v = e >> MICRO_ADD_SUMS_SHIFT;
    return (int8_t)(k->lo + (v < 0 ? 0 : (v > k->span ? k->span : v)));
}

/* One step of a dense row: a word of each input in, then the previous step's word out
 * (a store right after a load is one cycle on the M4, two after anything else; element i
 * is still read before it is written), then this step's word computed, before the next
 * step's loads. */
static MICRO_ALWAYS_INLINE uint32_t linear_step(int32_t ka, int32_t kb, int32_t kc,
                                                uint32_t lo4, uint32_t top4, int clamp,
                                                const int8_t *a, const int8_t *b,
                                                int8_t *out_before, uint32_t late)
{
    const uint32_t va = micro_read4(a), vb = micro_read4(b);
    memcpy(out_before, &late, sizeof late);
    uint32_t word = linear_finish(linear_word(ka, kb, kc, LINEAR_LANES, va, vb), lo4, top4,
                                  clamp);
    micro_settle(word);
    return word;
}

/* The asm loop takes 14 registers, every one but sp and pc: without optimisation (-O0)
 * or at -Os GCC cannot free them all once the frame pointer is kept (r7), so those builds
 * take the C loop (the firmware builds this file at -O2: firmware/optimize.py); at -O2
 * MICRO_NO_FRAME_POINTER frees r7 for the loop's functions. */
#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* One step without a clamp (linear_step's int8 variant) in 22 cycles: t5 holds the late
 * word. */
#define LINEAR_STEP_ASM                                                                      \
    "ldr %[t0], [%[a]], #4\n\t"                                                               \
    "ldr %[t1], [%[b]], #4\n\t"                                                               \
    "str %[t5], [%[out]], #4\n\t"                                                             \
    "and %[t2], %[lanes], %[t0], lsl #8\n\t"                                                 \
    "and %[t0], %[t0], %[lanes]\n\t"                                                         \
    "smlawb %[t3], %[ka], %[t2], %[kc]\n\t"                                                  \
    "smlawt %[t2], %[ka], %[t2], %[kc]\n\t"                                                  \
    "smlawb %[t4], %[ka], %[t0], %[kc]\n\t"                                                  \
    "smlawt %[t0], %[ka], %[t0], %[kc]\n\t"                                                  \
    "and %[t5], %[lanes], %[t1], lsl #8\n\t"                                                 \
    "and %[t1], %[t1], %[lanes]\n\t"                                                         \
    "smlawb %[t3], %[kb], %[t5], %[t3]\n\t"                                                  \
    "smlawt %[t2], %[kb], %[t5], %[t2]\n\t"                                                  \
    "smlawb %[t4], %[kb], %[t1], %[t4]\n\t"                                                  \
    "smlawt %[t0], %[kb], %[t1], %[t0]\n\t"                                                  \
    "pkhtb %[t2], %[t2], %[t3], asr #16\n\t"                                                 \
    "pkhtb %[t0], %[t0], %[t4], asr #16\n\t"                                                 \
    "usat16 %[t2], #8, %[t2]\n\t"                                                            \
    "usat16 %[t0], #8, %[t0]\n\t"                                                            \
    "orr %[t5], %[t2], %[t0], lsl #8\n\t"                                                    \
    "eor %[t5], %[t5], #0x80808080\n\t"

/* `turns` (>= 1) turns of 4 steps from a, b (the late word to out_before first); returns
 * the last step's word, not yet stored. GCC's own loop spills (14 registers live: the
 * constants, three pointers, the count and six temporaries). No frame pointer here nor in
 * linear_dense_int8, which inlines it. */
MICRO_NO_FRAME_POINTER static uint32_t linear_turns_int8(int32_t ka, int32_t kb, int32_t kc,
                                                         const int8_t *a, const int8_t *b,
                                                         int8_t *out_before, int32_t turns,
                                                         uint32_t late)
{
    uint32_t t0, t1, t2, t3, t4;
    __asm__ volatile("1:\n\t" LINEAR_STEP_ASM LINEAR_STEP_ASM LINEAR_STEP_ASM LINEAR_STEP_ASM
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [a] "+r"(a), [b] "+r"(b), [out] "+r"(out_before), [n] "+r"(turns),
                       [t5] "+r"(late), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
                       [t3] "=&r"(t3), [t4] "=&r"(t4)
                     : [ka] "r"(ka), [kb] "r"(kb), [kc] "r"(kc), [lanes] "r"(LINEAR_LANES)
                     : "cc", "memory");
    return late;
}
#else
static uint32_t linear_turns_int8(int32_t ka, int32_t kb, int32_t kc, const int8_t *a,
                                  const int8_t *b, int8_t *out_before, int32_t turns,
                                  uint32_t late)
{
    for (int32_t i = 0; i < 16 * turns; i += 4) {
        late = linear_step(ka, kb, kc, 0, 0, 0, a + i, b + i, out_before + i, late);
    }
    return late;
}
#endif

/* Rows of two dense inputs: steps of 4 elements (16 per turn without a clamp), then 1. */
static MICRO_ALWAYS_INLINE void linear_dense(const linear_t *k, const int8_t *a,
                                             const int8_t *b, int8_t *out, int32_t n, int clamp)
{
    /* Locals: stores through int8_t pointers may alias anything. */
    const int32_t ka = k->a, kb = k->b, kc = k->c;
    const uint32_t lo4 = k->lo4, top4 = k->top4;
    int32_t i = 0;
    if (n >= 4) {
        uint32_t late = linear_finish(
            linear_word(ka, kb, kc, LINEAR_LANES, micro_read4(a), micro_read4(b)), lo4, top4,
            clamp);
        const int32_t turns = clamp ? 0 : (n - 4) >> 4;
        if (turns > 0) {
            late = linear_turns_int8(ka, kb, kc, a + 4, b + 4, out, turns, late);
        }
        for (i = 4 + 16 * turns; i + 4 <= n; i += 4) {
            late = linear_step(ka, kb, kc, lo4, top4, clamp, a + i, b + i, out + i - 4, late);
        }
        memcpy(out + i - 4, &late, sizeof late);
    }
    for (; i < n; ++i) {
        const int32_t e = micro_smlawb(ka, linear_lane(a[i]), kc);
        out[i] = linear_byte(k, micro_smlawb(kb, linear_lane(b[i]), e));
    }
}

/* The two variants out of line: every register for their loops. */
static MICRO_NOINLINE MICRO_NO_FRAME_POINTER void linear_dense_int8(const linear_t *k,
                                                                    const int8_t *a,
                                                                    const int8_t *b, int8_t *out,
                                                                    int32_t n)
{
    linear_dense(k, a, b, out, n, 0);
}

static MICRO_NOINLINE void linear_dense_clamped(const linear_t *k, const int8_t *a,
                                                const int8_t *b, int8_t *out, int32_t n)
{
    linear_dense(k, a, b, out, n, 1);
}

/* Rows where one input is a repeated element (its term is in c): the other's, x, with
 * coefficient `coef`, 4 elements per turn where x is dense. */
static MICRO_ALWAYS_INLINE void linear_single(const linear_t *k, int32_t coef, int32_t c,
                                              const int8_t *x, int32_t stride, int8_t *out,
                                              int32_t n, int clamp)
{
    const uint32_t lo4 = k->lo4, top4 = k->top4;
    int32_t i = 0;
    if (stride == 1) {
        for (; i + 4 <= n; i += 4) {
            const uint32_t v = micro_read4(x + i);
            const uint32_t even = micro_and_lsl8(LINEAR_LANES, v), odd = v & LINEAR_LANES;
            const uint32_t w = linear_pack(micro_smlawb(coef, even, c),
                                           micro_smlawb(coef, odd, c),
                                           micro_smlawt(coef, even, c),
                                           micro_smlawt(coef, odd, c));
            const uint32_t done = linear_finish(w, lo4, top4, clamp);
            memcpy(out + i, &done, sizeof done);
        }
    }
    for (; i < n; ++i) {
        out[i] = linear_byte(k, micro_smlawb(coef, linear_lane(x[i * stride]), c));
    }
}

static MICRO_ALWAYS_INLINE void linear_row(const linear_t *k, const int8_t *a, int32_t stride_a,
                                           const int8_t *b, int32_t stride_b, int8_t *out,
                                           int32_t n, int clamp)
{
    if (stride_a == 1 && stride_b == 1) {
        (clamp ? linear_dense_clamped : linear_dense_int8)(k, a, b, out, n);
    } else if (stride_b == 0) {
        linear_single(k, k->a, micro_smlawb(k->b, linear_lane(b[0]), k->c), a, stride_a, out,
                      n, clamp);
    } else if (stride_a == 0) {
        linear_single(k, k->b, micro_smlawb(k->a, linear_lane(a[0]), k->c), b, stride_b, out,
                      n, clamp);
    } else {
        for (int32_t i = 0; i < n; ++i) {
            const int32_t e = micro_smlawb(k->a, linear_lane(a[i * stride_a]), k->c);
            out[i] = linear_byte(k, micro_smlawb(k->b, linear_lane(b[i * stride_b]), e));
        }
    }
}

static void add_row_linear(const void *ctx, const void *input1, int32_t stride_a,
                           const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const linear_t *k = ctx;
    if (k->span == 255) {
        linear_row(k, input1, stride_a, input2, stride_b, output, n, 0);
    } else {
        linear_row(k, input1, stride_a, input2, stride_b, output, n, 1);
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
    if (p->linear) {
        const uint32_t top = (uint32_t)(255 - (p->act_max - p->act_min));
        const linear_t k = {p->linear_a, p->linear_b, p->linear_c, p->act_min,
                            p->act_max - p->act_min, ((uint32_t)p->act_min & 0xFFu) * 0x01010101u,
                            top * 0x01010101u};
        micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row_linear, &k);
        return MICRO_OK;
    }
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
