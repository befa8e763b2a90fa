/*
 * CONV_2D int8 as im2col + a 2x2 GEMM on dual 16-bit multiply-accumulates (SMLAD), the
 * twin of micro_conv_s8 (conv_s8.c, its oracle: same bytes out).
 *
 * Output pixels go two at a time. Their patches (input_zp where the window leaves the
 * image) are widened to int16 into the scratch, interleaved by blocks of 4 values so that
 * the two SXTB16 of a filter word line up with one 64-bit scratch word:
 *
 *   word 2j + p = pixel p's values (4j, 4j + 2) | (4j + 1, 4j + 3) << 32
 *               = SXTB16(filter word j)         | SXTB16(filter word j, ROR 8) << 32
 *
 * A pass dots two filters with both pixels: per 4 values, 2 filter loads, 4 SXTB16,
 * 2 double-word loads and 8 SMLAD for 16 multiply-accumulates. Accumulators start at the
 * bias (sums wrap modulo 2^32, so the order changes no bit). Filter rows are zero past
 * K = FH*FW*I, so only ceil(K / 8) * 8 values are dotted, the scratch zero there.
 * Built by GCC for a DSP core, the passes that requantize the common way (fast_ok) run
 * one hand-scheduled Thumb-2 loop over the filter pairs (pass_asm_*): loads grouped so the
 * M4 pipelines them, the 4 accumulators and the requantization in registers. Patches:
 * conv_patch_dsp.h; a pointwise layer's pixels are widened straight from the image.
 */
#include "micro/kernels/conv_s8_dsp.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conv_direct_dsp.h"
#include "conv_first_dsp.h"
#include "conv_first_rows_dsp.h"
#include "conv_patch_dsp.h"
#include "conv_pointwise8_dsp.h"
#include "conv_pointwise_dsp.h"
#include "conv_pointwise_strided_dsp.h"
#include "conv_quads_dsp.h"
#include "dsp.h"
#include "micro/paths.h"

/* s[2r + f] += the dot of scratch pixel r with filter row w_f, over 8 * pairs values. */
#define MICRO_DOT_BLOCK(a, b)                                                              \
    do {                                                                                   \
        const uint32_t a_even = micro_sxtb16(a), a_odd = micro_sxtb16_hi(a);               \
        const uint32_t b_even = micro_sxtb16(b), b_odd = micro_sxtb16_hi(b);               \
        uint64_t px = *x++;                                                                \
        s00 = micro_smlad((uint32_t)px, a_even, s00);                                      \
        s00 = micro_smlad((uint32_t)(px >> 32), a_odd, s00);                               \
        s01 = micro_smlad((uint32_t)px, b_even, s01);                                      \
        s01 = micro_smlad((uint32_t)(px >> 32), b_odd, s01);                               \
        px = *x++;                                                                         \
        s10 = micro_smlad((uint32_t)px, a_even, s10);                                      \
        s10 = micro_smlad((uint32_t)(px >> 32), a_odd, s10);                               \
        s11 = micro_smlad((uint32_t)px, b_even, s11);                                      \
        s11 = micro_smlad((uint32_t)(px >> 32), b_odd, s11);                               \
    } while (0)

/* Inlined into the passes: a call per filter pair (9 registers pushed and popped, the
 * accumulators through memory) cost 4 % of a convolution's cycles on the M4. */
static MICRO_ALWAYS_INLINE void dot_2x2(const uint64_t *x, const int8_t *w0, const int8_t *w1,
                                        int32_t pairs, int32_t *s)
{
    int32_t s00 = s[0], s01 = s[1], s10 = s[2], s11 = s[3];
    for (; pairs >= 4; pairs -= 4, w0 += 32, w1 += 32) {
        MICRO_DOT_BLOCK(micro_read4(w0), micro_read4(w1));
        MICRO_DOT_BLOCK(micro_read4(w0 + 4), micro_read4(w1 + 4));
        MICRO_DOT_BLOCK(micro_read4(w0 + 8), micro_read4(w1 + 8));
        MICRO_DOT_BLOCK(micro_read4(w0 + 12), micro_read4(w1 + 12));
        MICRO_DOT_BLOCK(micro_read4(w0 + 16), micro_read4(w1 + 16));
        MICRO_DOT_BLOCK(micro_read4(w0 + 20), micro_read4(w1 + 20));
        MICRO_DOT_BLOCK(micro_read4(w0 + 24), micro_read4(w1 + 24));
        MICRO_DOT_BLOCK(micro_read4(w0 + 28), micro_read4(w1 + 28));
    }
    for (; pairs > 0; --pairs, w0 += 8, w1 += 8) {
        MICRO_DOT_BLOCK(micro_read4(w0), micro_read4(w1));
        MICRO_DOT_BLOCK(micro_read4(w0 + 4), micro_read4(w1 + 4));
    }
    s[0] = s00;
    s[1] = s01;
    s[2] = s10;
    s[3] = s11;
}

#undef MICRO_DOT_BLOCK

/* What a pass over a group's filters needs besides the pixel pair's outputs. */
typedef struct {
    const uint64_t *words;
    const int8_t *filter;
    int32_t row, pairs;
    const int32_t *bias, *multiplier, *shift;
    int32_t zp, zp2, lo, hi;
} pass_t;

/* Filters [first, last) on the scratch's pixel pair, any requantization. */
MICRO_NOINLINE static void pass_any(const pass_t *c, int32_t first, int32_t last,
                                    int8_t *out0, int8_t *out1)
{
    for (int32_t o = first; o < last; o += 2) {
        const int32_t o1 = o + 1 < last ? o + 1 : o;
        int32_t s[4] = {c->bias[o], c->bias[o1], c->bias[o], c->bias[o1]};
        dot_2x2(c->words, c->filter + (int64_t)o * c->row, c->filter + (int64_t)o1 * c->row,
                c->pairs, s);
        const micro_requant_channel_t c0 = micro_requant_channel(c->multiplier[o], c->shift[o]);
        const micro_requant_channel_t c1 =
            micro_requant_channel(c->multiplier[o1], c->shift[o1]);
        out0[o] = (int8_t)micro_requant_out(s[0], c0, c->zp, c->zp2, c->lo, c->hi);
        out1[o] = (int8_t)micro_requant_out(s[2], c0, c->zp, c->zp2, c->lo, c->hi);
        out0[o1] = (int8_t)micro_requant_out(s[1], c1, c->zp, c->zp2, c->lo, c->hi);
        out1[o1] = (int8_t)micro_requant_out(s[3], c1, c->zp, c->zp2, c->lo, c->hi);
    }
}

/* micro_requant_fast_ok, also taking channels of multiplier 0 (a zero scale: trained models
 * hold a few). Their table entry, m2 = 0 and right1 = 31, makes the fast steps give
 * output_zp whatever the sum ((y >> 31) + 1 + 2 * zp, halved), the reference's output. */
static int fast_ok(const int32_t *multiplier, const int32_t *shift, int32_t n, int32_t lo,
                   int32_t hi)
{
    return lo == -128 && hi == 127 && (micro_requant_fast_all(multiplier, shift, n, 1) >> 31);
}

/* Channels whose constants a fast pass reads from one table (1.5 KB of stack). */
#define CONV_BLOCK 128

/* The same for the pointwise path (3 KB, the stack both tables share): every pixel pair's
 * quads in one call up to 256 channels (MobileNets' widest layers), not a table refilled
 * per pair and block. */
#define PW_BLOCK 256

/* The table's bytes a strided 1x1 layer's pixels may use past its O constants. */
#define PW_ROOM(depth_out) ((int64_t)(PW_BLOCK - (depth_out)) * (int64_t)sizeof(pw_chan_t))

/* The first layers' tables (conv_first_rows_dsp.h) hold a block's constants and fit the
 * pointwise path's stack. */
typedef char rows_tables_fit[sizeof(rows_tables_t) <= sizeof(pw_chan_t) * PW_BLOCK &&
                                     sizeof(((rows_tables_t *)0)->ch) ==
                                         sizeof(rows_quad_t) * (CONV_BLOCK / 4)
                                 ? 1
                                 : -1];

/* The n filters from w on (their constants ch[0..n)) on the scratch's pixel pair, when
 * fast_ok holds; out0, out1: the pixels' first outputs of the n. */
static MICRO_ALWAYS_INLINE void pass_fast_k(const pass_t *c, const chan_t *ch, const int8_t *w,
                                            int32_t n, int8_t *out0, int8_t *out1,
                                            int32_t pairs)
{
    const uint64_t *words = c->words;
    const int32_t row = c->row, zp2 = c->zp2;
    for (int32_t o = 0; o < n; o += 2, w += 2 * row) {
        const int32_t o1 = o + 1 < n ? o + 1 : o;
        int32_t s[4] = {ch[o].bias, ch[o1].bias, ch[o].bias, ch[o1].bias};
        dot_2x2(words, w, w + (o1 - o) * row, pairs, s);
        out0[o] = (int8_t)fast_out(s[0], ch[o].m2, ch[o].right1, zp2);
        out1[o] = (int8_t)fast_out(s[2], ch[o].m2, ch[o].right1, zp2);
        out0[o1] = (int8_t)fast_out(s[1], ch[o1].m2, ch[o1].right1, zp2);
        out1[o1] = (int8_t)fast_out(s[3], ch[o1].m2, ch[o1].right1, zp2);
    }
}

#if MICRO_DSP && defined(__GNUC__)
/* A fast pass's filter pairs in one loop of Thumb-2, for the M4's timings: GCC spilled
 * about 50 instructions per pair around its 4 accumulators. Fields in the order the asm
 * loads them (LDM): it advances filter, ch, out0 and left, one pair at a time. */
typedef struct {
    const int8_t *filter;   /*  0: the pair's first row */
    int32_t row;            /*  4: bytes from one row to the next */
    const uint64_t *words;  /*  8: the scratch's pixel pair */
    int32_t turns;          /* 12: turns of the dot loop, (8-value groups + 1) / 2 */
    const chan_t *ch;       /* 16: the pair's constants (2 entries of 12 bytes) */
    int8_t *out0;           /* 20: pixel 0's output of the pair's first channel */
    int32_t gap;            /* 24: out1 - out0 */
    int32_t zp2;            /* 28: 1 + 2 * output_zp */
    int32_t left;           /* 32: filter pairs still to go, >= 1 */
} asm_pass_t;

/* Per 4 values: both filters' words and pixel 0's two words in one run of loads (5
 * cycles), the filter words' SXTB16 halves, 4 SMLAD, pixel 1's words, 4 SMLAD: 17
 * instructions, 20 cycles, 16 multiply-accumulates. r0-r3: the 2x2 accumulators. */
#define ASM_BLOCK                       \
    "ldr r8, [r4], #4\n\t"              \
    "ldr r9, [r5], #4\n\t"              \
    "ldr r10, [r6], #16\n\t"            \
    "ldr r11, [r6, #-12]\n\t"           \
    "sxtb16 r12, r8\n\t"                \
    "sxtb16 r8, r8, ror #8\n\t"         \
    "sxtb16 lr, r9\n\t"                 \
    "sxtb16 r9, r9, ror #8\n\t"         \
    "smlad r0, r10, r12, r0\n\t"        \
    "smlad r0, r11, r8, r0\n\t"         \
    "smlad r1, r10, lr, r1\n\t"         \
    "smlad r1, r11, r9, r1\n\t"         \
    "ldrd r10, r11, [r6, #-8]\n\t"      \
    "smlad r2, r10, r12, r2\n\t"        \
    "smlad r2, r11, r8, r2\n\t"         \
    "smlad r3, r10, lr, r3\n\t"         \
    "smlad r3, r11, r9, r3\n\t"

/* micro_requant_fast_out of accumulators ra (pixel 0) and rb (pixel 1) with the channel's
 * m2 in r6, right1 in r7, zp2 in r11. */
#define ASM_REQUANT(ra, rb) CONV_REQUANT_ASM(ra, rb, "r6", "r7", "r11")

/* A pass of pairs 8-value groups, 2 per turn of the loop; with an odd count the first turn
 * enters at its second group (`enter`). */
#define PASS_ASM(name, enter)                                                                \
    __attribute__((naked, noinline)) static void name(asm_pass_t *a)                       \
    {                                                                                        \
        (void)a;                                                                             \
        __asm__ volatile(                                                                    \
            "push {r0, r4-r11, lr}\n\t"                                                      \
            "2:\n\t"                                                                         \
            "ldr r12, [sp]\n\t"                                                              \
            "ldm r12, {r4-r8}\n\t" /* filter, row, words, turns, ch */                       \
            "add r5, r4, r5\n\t"                                                             \
            "ldr r0, [r8]\n\t" /* the accumulators start at the biases */                    \
            "ldr r1, [r8, #12]\n\t"                                                          \
            "mov r2, r0\n\t"                                                                 \
            "mov r3, r1\n\t" enter "1:\n\t" ASM_BLOCK ASM_BLOCK "3:\n\t" ASM_BLOCK ASM_BLOCK \
            "subs r7, r7, #1\n\t"                                                            \
            "bne 1b\n\t"                                                                     \
            "ldr r12, [sp]\n\t"                                                              \
            "add lr, r12, #16\n\t"                                                           \
            "ldm lr, {r8-r11}\n\t" /* ch, out0, gap, zp2 */                                  \
            "ldrd r6, r7, [r8, #4]\n\t" ASM_REQUANT("r0", "r2")                              \
            "strb r0, [r9]\n\t"                                                              \
            "strb r2, [r9, r10]\n\t"                                                         \
            "ldrd r6, r7, [r8, #16]\n\t" ASM_REQUANT("r1", "r3")                             \
            "strb r1, [r9, #1]!\n\t"                                                         \
            "strb r3, [r9, r10]\n\t"                                                         \
            "add r9, r9, #1\n\t"                                                             \
            "add r8, r8, #24\n\t"                                                            \
            "strd r8, r9, [r12, #16]\n\t"                                                    \
            "ldm r12, {r4, r5}\n\t"                                                          \
            "add r4, r4, r5, lsl #1\n\t"                                                     \
            "str r4, [r12]\n\t"                                                              \
            "ldr r7, [r12, #32]\n\t"                                                         \
            "subs r7, r7, #1\n\t"                                                            \
            "str r7, [r12, #32]\n\t"                                                         \
            "bne 2b\n\t"                                                                     \
            "pop {r0, r4-r11, pc}\n\t");                                                     \
    }

PASS_ASM(pass_asm_even, "")
PASS_ASM(pass_asm_odd, "b 3f\n\t")

#undef ASM_BLOCK
#undef ASM_REQUANT
#undef CONV_REQUANT_ASM
#undef PASS_ASM

/* The n filters from w on with pass_asm_*, the last one (n odd) in C. */
MICRO_NOINLINE static void pass_pairs(const pass_t *c, const chan_t *ch, const int8_t *w,
                                      int32_t n, int8_t *out0, int8_t *out1)
{
    if (n >= 2) {
        asm_pass_t a = {w, c->row, c->words, (c->pairs + 1) / 2, ch, out0,
                        (int32_t)(out1 - out0), c->zp2, n / 2};
        (c->pairs & 1 ? pass_asm_odd : pass_asm_even)(&a);
    }
    if (n & 1) {
        const int32_t o = n - 1;
        pass_fast_k(c, ch + o, w + (int64_t)o * c->row, 1, out0 + o, out1 + o, c->pairs);
    }
}
#else
/* The same, specialised for 8 and 16 values (no loop), and any. */
MICRO_NOINLINE static void pass_fast_8(const pass_t *c, const chan_t *ch, const int8_t *w,
                                       int32_t n, int8_t *out0, int8_t *out1)
{
    pass_fast_k(c, ch, w, n, out0, out1, 1);
}

MICRO_NOINLINE static void pass_fast_16(const pass_t *c, const chan_t *ch, const int8_t *w,
                                        int32_t n, int8_t *out0, int8_t *out1)
{
    pass_fast_k(c, ch, w, n, out0, out1, 2);
}

MICRO_NOINLINE static void pass_fast(const pass_t *c, const chan_t *ch, const int8_t *w,
                                     int32_t n, int8_t *out0, int8_t *out1)
{
    pass_fast_k(c, ch, w, n, out0, out1, c->pairs);
}
#endif

/* Fills the table with channels [o0, o0 + n). */
static void fill_channels(const pass_t *c, int32_t o0, int32_t n, chan_t *ch)
{
    for (int32_t i = 0; i < n; ++i) {
        ch[i].bias = c->bias[o0 + i];
        const int32_t m = c->multiplier[o0 + i];
        ch[i].m2 = (int32_t)((uint32_t)m << 1);
        ch[i].right1 = m == 0 ? 31 : ~c->shift[o0 + i];
    }
}

/* A channel's pw_chan_t, when fast_ok holds. */
static MICRO_ALWAYS_INLINE pw_chan_t pw_entry(int32_t bias, int32_t m, int32_t shift)
{
    pw_chan_t e;
    e.bias = bias;
    e.m2 = (int32_t)((uint32_t)m << 1);
    /* -2^(32 - e), e = -shift in 1..31 (the unsigned negation wraps to the int32), without a
     * branch: a zero multiplier (any shift, the amount kept in 0..31) shifts 0. fast_ok
     * leaves m 0 or in [2^30, 2^31), so bit 30 alone tells m != 0. */
    const uint32_t one = (uint32_t)m >> 30;
    e.pn = (int32_t)(0u - (one << ((32 + shift) & 31)));
    return e;
}

/* The pointwise path's table (pw_chan_t) for channels [o0, o0 + n), when fast_ok holds. */
static void fill_pointwise(const pass_t *c, int32_t o0, int32_t n, pw_chan_t *ch)
{
    /* The arrays' pointers held in locals: the table's stores may not alias them. */
    const int32_t *bias = c->bias + o0, *multiplier = c->multiplier + o0;
    const int32_t *shift = c->shift + o0;
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) { /* two entries a turn: 6 words stored together */
        ch[i] = pw_entry(bias[i], multiplier[i], shift[i]);
        ch[i + 1] = pw_entry(bias[i + 1], multiplier[i + 1], shift[i + 1]);
    }
    if (i < n) {
        ch[i] = pw_entry(bias[i], multiplier[i], shift[i]);
    }
}

/* The first-layer rows' table (rows_quad_t) for channels [o0, o0 + n), n a multiple of 4,
 * when fast_ok holds: fill_pointwise's constants, a quad's biases together. */
static void fill_rows(const pass_t *c, int32_t o0, int32_t n, rows_quad_t *table)
{
    for (int32_t q = 0; q < n / 4; ++q) {
        pw_chan_t ch[4];
        fill_pointwise(c, o0 + 4 * q, 4, ch);
        for (int32_t f = 0; f < 4; ++f) {
            table[q].bias[f] = ch[f].bias;
            table[q].mp[f][0] = ch[f].m2;
            table[q].mp[f][1] = ch[f].pn;
        }
    }
}

/* Window rows' slot for input row iy (conv_first_rows.h: iy mod FH). */
static int16_t *rows_slot(int16_t *scratch, const micro_first_rows_t *g, int32_t fh, int32_t iy)
{
    const int32_t r = iy % fh;
    return scratch + (int64_t)(r < 0 ? r + fh : r) * g->slot;
}

/* The run from output column ox on of `pairs` pairs, each's pixel 1 `apart` columns after
 * its pixel 0 and the next pair `apart` * 2 columns on (1 pair: gap 0, a lone pixel). */
static void rows_columns(rows_run_t *r, const micro_conv_s8_params_t *p,
                         const micro_first_rows_t *g, int16_t *const *base,
                         const int8_t *block, int64_t copy_bytes, int8_t *out_block,
                         int32_t ox, int32_t pairs, int32_t apart, int32_t lone)
{
    const int32_t step = p->stride_width * p->input_depth, depth_out = p->output_depth;
    const int32_t e = g->origin + ox * step, copy = e & 1;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        r->rows[fy] = base[fy] + e - copy;
    }
    r->filter = block + copy * copy_bytes;
    r->out = out_block + (int64_t)ox * depth_out;
    r->gap = lone ? 0 : apart * depth_out;
    r->pairs = pairs;
    r->step = 2 * apart * step * 2;
    r->out_step = 2 * apart * depth_out;
    rows_run(r, p->filter_height, g->words, g->delta);
}

/* A first layer on filter layout 2 (conv_first_rows_dsp.h) on the fast requantization:
 * every input row widened once into its slot (the scratch: input_zp in the padding, set
 * once), then per output row and block of channels its pixel pairs (with SW * I odd, each
 * parity's: columns 4k + q and 4k + q + 2), a last lone pixel as a pair of itself. Output
 * rows go in order, each written once its windows' rows are read (the overlap rule,
 * conv_s8.c); within a row the order is free. A layer rows_paired takes runs on its
 * weights repacked once into t->w, each quad's constants before its weights. */
static void first_rows_fast(const micro_conv_s8_params_t *p, const int8_t *input,
                            const int8_t *filter, const pass_t *c, rows_tables_t *t,
                            int16_t *scratch, int8_t *output)
{
    const micro_first_rows_t g = micro_first_rows(p);
    const int32_t fh = p->filter_height, depth = p->input_depth, ow = p->output_width;
    const int32_t depth_out = p->output_depth;
    const int64_t quad_bytes = (int64_t)fh * g.words * 16;
    const int64_t copy_bytes = (int64_t)depth_out / 4 * quad_bytes;
    const int64_t line = (int64_t)p->input_width * depth;
    const int32_t reach = (ow - 1) * p->stride_width + p->filter_width - p->pad_left;
    const int32_t cols = reach < 0 ? 0 : (reach < p->input_width ? reach : p->input_width);
    const int32_t narrow = depth_out <= CONV_BLOCK;
    rows_quad_t *table = t->ch;
    const int32_t paired = narrow && rows_paired(p, &g, depth_out / 4);
    if (paired) { /* each quad's constants, then its weights (t->w, not t->ch) */
        const int32_t words = rows_paired_quad_words(g.words);
        rows_pair_weights(t->w, filter, depth_out / 4, g.words);
        for (int32_t q = 0; q < depth_out / 4; ++q) {
            rows_quad_t ch;
            fill_rows(c, 4 * q, 4, &ch);
            memcpy(t->w + q * words, &ch, sizeof ch);
        }
        filter = (const int8_t *)t->w;
    } else if (narrow) {
        fill_rows(c, 0, depth_out, table);
    }
    rows_fill(scratch, p->input_zp, fh * g.slot);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_height * line;
        int8_t *out_image = output + (int64_t)b * p->output_height * ow * depth_out;
        int32_t next = -p->pad_top; /* the next input row to widen */
        for (int32_t oy = 0; oy < p->output_height; ++oy) {
            const int32_t iy0 = oy * p->stride_height - p->pad_top;
            next = next < iy0 ? iy0 : next;
            for (; next < iy0 + fh; ++next) {
                int16_t *slot = rows_slot(scratch, &g, fh, next) + g.origin + p->pad_left * depth;
                if (next >= 0 && next < p->input_height) {
                    rows_widen(slot, image + next * line, cols * depth);
                } else {
                    rows_fill(slot, p->input_zp, cols * depth);
                }
            }
            int16_t *base[MICRO_FIRST_ROWS_MAX_HEIGHT];
            base[0] = rows_slot(scratch, &g, fh, iy0);
            int16_t *const ring_end = scratch + (int64_t)fh * g.slot;
            for (int32_t fy = 1; fy < fh; ++fy) { /* the next slots, round the ring */
                base[fy] = base[fy - 1] + g.slot == ring_end ? scratch : base[fy - 1] + g.slot;
            }
            int8_t *out_row = out_image + (int64_t)oy * ow * depth_out;
            for (int32_t o0 = 0; o0 < depth_out; o0 += CONV_BLOCK) {
                const int32_t n = depth_out - o0 < CONV_BLOCK ? depth_out - o0 : CONV_BLOCK;
                if (!narrow) {
                    fill_rows(c, o0, n, table);
                }
                rows_run_t r;
                r.quads = n / 4;
                r.ch = table;
                r.zp = c->zp;
                r.paired = paired;
                const int8_t *block = filter + o0 / 4 * quad_bytes; /* paired: o0 is 0 */
                int8_t *out_block = out_row + o0;
                if (g.copies == 1) {
                    if (ow >= 2) {
                        rows_columns(&r, p, &g, base, block, copy_bytes, out_block, 0, ow / 2,
                                     1, 0);
                    }
                    if (ow % 2) {
                        rows_columns(&r, p, &g, base, block, copy_bytes, out_block, ow - 1, 1,
                                     1, 1);
                    }
                    continue;
                }
                for (int32_t q = 0; q < 2; ++q) {
                    const int32_t pairs = ow - 3 - q >= 0 ? (ow - 3 - q) / 4 + 1 : 0;
                    if (pairs > 0) {
                        rows_columns(&r, p, &g, base, block, copy_bytes, out_block, q, pairs, 2,
                                     0);
                    }
                    if (q + 4 * pairs < ow) {
                        rows_columns(&r, p, &g, base, block, copy_bytes, out_block,
                                     q + 4 * pairs, 1, 2, 1);
                    }
                }
            }
        }
    }
}

/* A pointwise image: widen_exact, floor_records, pointwise_fast (after fill_pointwise). */
#include "conv_pointwise_image_dsp.h"

/* A classifier's head, a 1x1 convolution of a 1x1 image (head_run; after pw_entry). */
#include "conv_head_dsp.h"

micro_status_t micro_conv_s8_dsp_step(const void *params, void *const *op)
{
    const micro_conv_s8_params_t *p = params;
    /* Filter layout 3 (a head on int16 pairs: conv_s8.c's check made its other tests at
     * load) on this short path, ahead of micro_conv_s8_dsp's frame; a build without the
     * pairs' path, or a filter not word-aligned (the direct API's), the reference. */
    if (p->filter_layout == 3) {
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) &&
            ((uintptr_t)op[MICRO_CONV_S8_FILTER] & 3u) == 0) {
            return head16_run(p, op);
        }
        return micro_conv_s8(p, op[MICRO_CONV_S8_INPUT], op[MICRO_CONV_S8_FILTER],
                             op[MICRO_CONV_S8_BIAS], op[MICRO_CONV_S8_MULTIPLIER],
                             op[MICRO_CONV_S8_SHIFT], op[MICRO_CONV_S8_SCRATCH],
                             op[MICRO_CONV_S8_OUTPUT]);
    }
    return micro_conv_s8_dsp(p, op[MICRO_CONV_S8_INPUT], op[MICRO_CONV_S8_FILTER],
                             op[MICRO_CONV_S8_BIAS], op[MICRO_CONV_S8_MULTIPLIER],
                             op[MICRO_CONV_S8_SHIFT], op[MICRO_CONV_S8_SCRATCH],
                             op[MICRO_CONV_S8_OUTPUT]);
}

micro_status_t micro_conv_s8_dsp(const micro_conv_s8_params_t *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias,
                                 const int32_t *multiplier, const int32_t *shift,
                                 int16_t *scratch, int8_t *output)
{
    if (p->filter_layout == 3) { /* a head on int16 pairs (head16_run), or the reference */
        if (!MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS)) {
            return micro_conv_s8(p, input, filter, bias, multiplier, shift, scratch, output);
        }
        return head16_call(p, input, filter, bias, multiplier, shift, scratch, output);
    }
    /* The head first, before the path's other tests (its answer there is the same): at a
     * few hundred multiply-accumulates they would cost as much as the dots. */
    if (MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) && head_applies(p) &&
        fast_ok(multiplier, shift, p->output_depth, p->act_min, p->act_max)) {
        head_run(p, input, filter, bias, multiplier, shift, output);
        return MICRO_OK;
    }
    /* The path (micro_conv_s8_dsp_path decides, the host reads the same answer); one this
     * build drops (micro/paths.h) runs the reference kernel, at the end. */
    const uint32_t path = micro_conv_s8_dsp_path(p, filter, multiplier, shift, scratch);
    if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_DIRECT)) {
        const int64_t image_in = (int64_t)p->input_height * p->input_width * p->input_depth;
        const int64_t image_out = (int64_t)p->output_height * p->output_width * p->output_depth;
        for (int32_t b = 0; b < p->batches; ++b) {
            direct_image(p, input + b * image_in, filter, bias, multiplier, shift,
                         output + b * image_out);
        }
        return MICRO_OK;
    }
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    const int32_t per_group = p->output_depth / p->groups;
    const int32_t depth_out = p->output_depth;
    const int32_t pixels = p->output_height * p->output_width;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    pass_t c;
    c.words = (const uint64_t *)(void *)scratch;
    c.filter = filter;
    c.row = (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN * MICRO_CONV_S8_K_ALIGN;
    c.pairs = (k + 7) / 8; /* 8 * pairs <= row: MICRO_CONV_S8_K_ALIGN is 16 */
    c.bias = bias;
    c.multiplier = multiplier;
    c.shift = shift;
    c.zp = p->output_zp;
    c.zp2 = 1 + 2 * p->output_zp;
    c.lo = p->act_min;
    c.hi = p->act_max;
    const int32_t groups4 = (k + 3) / 4;
#if MICRO_DSP && defined(__GNUC__)
    void (*pass)(const pass_t *, const chan_t *, const int8_t *, int32_t, int8_t *, int8_t *) =
        pass_pairs;
#else
    void (*pass)(const pass_t *, const chan_t *, const int8_t *, int32_t, int8_t *, int8_t *) =
        c.pairs == 1 ? pass_fast_8 : (c.pairs == 2 ? pass_fast_16 : pass_fast);
#endif
    const int pointwise = p->filter_height == 1 && p->filter_width == 1 &&
                          p->stride_height == 1 && p->stride_width == 1 && p->pad_top == 0 &&
                          p->pad_left == 0 && p->groups == 1 && (p->input_depth & 7) == 0 &&
                          p->input_height == p->output_height &&
                          p->input_width == p->output_width;
    const int32_t depth_in = p->input_depth;
    const int rows9 = p->filter_height == 3 && p->filter_width * p->filter_depth == 9 &&
                      p->dilation_width == 1 && p->groups == 1;
    /* One table's stack for either path's constants. */
    union {
        chan_t fast[CONV_BLOCK];
        pw_chan_t pointwise[PW_BLOCK];
        rows_tables_t rows;
        struct { /* conv_pointwise8_dsp.h: the table (pointwise's first entries), a run */
            pw_chan_t table[PW8_CHANNELS];
            uint32_t block[4 * PW8_PIXELS];
        } pw8;
    } tables;
    chan_t *table = tables.fast;
    if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_ROWS) ||
        MICRO_PATH_HAS(path, MICRO_PATH_CONV_ROWS10)) {
        first_rows_fast(p, input, filter, &c, &tables.rows, scratch, output);
        return MICRO_OK;
    }
    if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_POINTWISE) && MICRO_PATH_KEPT(path) &&
        !pointwise_dense(p)) {
        fill_pointwise(&c, 0, depth_out, tables.pointwise);
        pointwise_strided(p, input, filter, tables.pointwise, floor_records(p, filter),
                          (uint64_t *)(void *)scratch,
                          (int8_t *)(void *)(tables.pointwise + depth_out), PW_ROOM(depth_out),
                          output);
        return MICRO_OK;
    }
    if ((MICRO_PATH_HAS(path, MICRO_PATH_CONV_POINTWISE) && MICRO_PATH_KEPT(path)) ||
        MICRO_PATH_HAS(path, MICRO_PATH_CONV_PW8)) {
        pointwise_fast(p, input, filter, &c, tables.pointwise, (uint64_t *)(void *)scratch,
                       output);
        return MICRO_OK;
    }
    int32_t held = -1; /* the first channel the table holds, if any */
    uint64_t *words = (uint64_t *)(void *)scratch;
    if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_FIRST)) {
        fill_channels(&c, 0, depth_out, table);
        for (int32_t b = 0; b < p->batches; ++b) {
            first_image(p, input + b * image_size, filter, table, c.zp2, c.pairs, words,
                        output + (int64_t)b * pixels * depth_out);
        }
        return MICRO_OK;
    }
    if (!MICRO_PATH_HAS(path, MICRO_PATH_CONV_QUADS) &&
        !MICRO_PATH_HAS(path, MICRO_PATH_CONV_PAIRS) &&
        !MICRO_PATH_HAS(path, MICRO_PATH_CONV_ANY)) {
        return micro_conv_s8(p, input, filter, bias, multiplier, shift, scratch, output);
    }
    /* Patches in the scratch: each output pixel reads only its own input pixel, whole
     * 8-value groups of it, the pixels widened straight from the image (no window to
     * assemble); 3x3 windows of one group assembled a row at a time where they lie inside
     * the image; else gathered. */
    const int quads = p->filter_layout == 1 || p->filter_layout == 4;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix = 0; pix < pixels; pix += 2) {
            const int32_t pix1 = pix + 1 < pixels ? pix + 1 : pix;
            int8_t *out0 = out_image + (int64_t)pix * depth_out;
            int8_t *out1 = out_image + (int64_t)pix1 * depth_out;
            for (int32_t g = 0; g < p->groups; ++g) {
                if (pointwise) {
                    widen_run(words, image + (int64_t)pix * depth_in, depth_in);
                    widen_run(words + 1, image + (int64_t)pix1 * depth_in, depth_in);
                } else if (!rows9 || !rows9_pair(p, image, pix, pix1, words)) {
                    gather(p, image, pix / p->output_width, pix % p->output_width, g, words,
                           0, c.pairs);
                    gather(p, image, pix1 / p->output_width, pix1 % p->output_width, g,
                           words, 1, c.pairs);
                }
                const int32_t end = (g + 1) * per_group;
                if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_ANY) && quads) {
                    quads_any(words, filter + (int64_t)g * per_group * 8 * groups4, groups4,
                              per_group, bias + g * per_group, multiplier + g * per_group,
                              shift + g * per_group, c.zp, c.lo, c.hi, out0 + g * per_group,
                              out1 + g * per_group);
                    continue;
                }
                if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_ANY)) {
                    pass_any(&c, g * per_group, end, out0, out1);
                    continue;
                }
                for (int32_t o0 = g * per_group; o0 < end; o0 += CONV_BLOCK) {
                    const int32_t n = end - o0 < CONV_BLOCK ? end - o0 : CONV_BLOCK;
                    if (held != o0 || depth_out > CONV_BLOCK) {
                        fill_channels(&c, o0, n, table);
                        held = o0;
                    }
                    if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_QUADS)) {
                        quads_fast(words, filter + (int64_t)o0 * 8 * groups4, groups4, n, table,
                                   c.zp2, out0 + o0, out1 + o0);
                    } else if (MICRO_PATH_HAS(path, MICRO_PATH_CONV_PAIRS)) {
                        pass(&c, table, filter + (int64_t)o0 * c.row, n, out0 + o0, out1 + o0);
                    }
                }
            }
        }
    }
    return MICRO_OK;
}

int32_t micro_conv_s8_dsp_direct(const micro_conv_s8_params_t *p)
{
    return micro_conv_s8_dsp_quads(p) && direct_applies(p);
}

int32_t micro_conv_s8_dsp_quads(const micro_conv_s8_params_t *p)
{
    return p->groups >= 1 && p->output_depth % p->groups == 0 &&
           (p->output_depth / p->groups) % 4 == 0;
}

int32_t micro_conv_s8_dsp_first_rows(const micro_conv_s8_params_t *p)
{
    if (!micro_first_rows_fit(p)) {
        return 0;
    }
    const micro_first_rows_t g = micro_first_rows(p);
    return micro_first_rows_shape(p->filter_height, g.words, g.delta) != 0;
}

int32_t micro_conv_s8_dsp_first(const micro_conv_s8_params_t *p)
{
    return micro_conv_s8_dsp_quads(p) && first_applies(p, CONV_BLOCK);
}

/* micro_conv_s8_dsp_path (after fast_ok and the paths' tests it asks). */
#include "conv_s8_dsp_path.h"
