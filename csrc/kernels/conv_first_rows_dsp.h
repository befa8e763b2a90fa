/*
 * First layers on filter layout 2 (internal to conv_s8_dsp.c; geometry and layout in
 * conv_first_rows.h): input rows widened once each into the scratch's slots, padding
 * included, so that no window needs assembling and none meets a border; then per pixel
 * pair (two windows `delta` values apart in the same slots) and quad of filters, 8 sums
 * over the window's FH rows of `words` int16 pairs each, requantized by pw_out (4
 * instructions an output) and stored as a word per pixel.
 *
 * Built by GCC for a DSP core, the shapes of the reference models run rows_asm_* (FH, words
 * and the pair's distance as immediates, micro_first_rows_shape: RGB and grayscale 3x3 at
 * stride 1 or 2, 10x4 spectrogram filters at stride 2; the compiler writes layout 2 only
 * for those): per word of a row 2 pixel loads, 2 weight loads and an LDRD of 2 more, 8
 * SMLAD (13 instructions, 16 est. cycles, 16 multiply-accumulates); the sums start from
 * the biases in the first word's SMLADs; a pair's window rows advance by one LDM/STM. Any
 * other shape runs the same sums in C (rows_c). A row of 9 values takes 5 words (a tenth of
 * the SMLADs multiply a zero weight); with one copy (stride 2) and few filters, rows 0 and
 * 1 share their lone last values' word instead (rows_paired: the weights repacked once per
 * call, 14 words a quad, not 15; grayscale 5, not 6). An odd row of pixels' last computes
 * as a pair, but a 10x4 layer's on its own sums (rows_lone_10x2). Layer 0, est. M4
 * cycles (instructions) per MAC, layout 1's walk -> these rows: vww (RGB 3x3, stride 2)
 * 2.18 (1.71) -> 1.62 (1.28), paired; ic (RGB 3x3, stride 1) 2.00 (1.61) -> 1.59 (1.26);
 * kws (10x4, stride 2) 1.74 (1.40) -> 1.56 (1.21); person_detect (grayscale 3x3, stride 2,
 * 8 filters) 702 K -> 435 K cycles.
 */
#ifndef MICRO_KERNELS_CONV_FIRST_ROWS_DSP_H
#define MICRO_KERNELS_CONV_FIRST_ROWS_DSP_H

#include <stdint.h>
#include <string.h>

#include "conv_first_rows.h"
#include "conv_quads_dsp.h"
#include "dsp.h"
#include "micro/paths.h"

/* A quad's constants: the 4 biases (the sums start there: one LDM), then per filter m2 and
 * pn (pw_out's, conv_quads_dsp.h). */
typedef struct {
    int32_t bias[4];
    int32_t mp[4][2];
} rows_quad_t;
typedef char rows_quad_words[sizeof(rows_quad_t) == 48 ? 1 : -1];

/* A run of pixel pairs along one output row, every quad of a block of filters (rows_asm_*
 * read the fields at the offsets named). */
typedef struct {
    const int16_t *rows[MICRO_FIRST_ROWS_MAX_HEIGHT]; /*  0: window row fy of the first
                                                            pair's pixel 0, at a word */
    const int8_t *filter;  /* 64: the block's first quad in the pixels' copy (paired: the
                              first quad's constants, its weights after them) */
    int32_t quads;         /* 68: quads in the block, >= 1 */
    const rows_quad_t *ch; /* 72: their constants (paired: unread) */
    int8_t *out;           /* 76: the first pair's pixel-0 output of the block's first */
    int32_t gap;           /* 80: pixel 1's outputs - pixel 0's (0: a lone pixel) */
    int32_t pairs;         /* 84: pairs, >= 1 */
    int32_t step;          /* 88: bytes from a pair's windows to the next pair's */
    int32_t out_step;      /* 92: bytes from a pair's outputs to the next pair's */
    int32_t zp;            /* 96: output_zp */
    int32_t paired;        /* the weights rows_pair_weights makes (C only: rows_run) */
} rows_run_t;

/* Layers whose rows 0 and 1 end on a lone value (one copy, FW * I odd) in a block of at most
 * ROWS_PAIRED_QUADS quads, on the asm shapes (FH 3): their weights are repacked once per
 * call (rows_pair_weights) so that the two lone values share a word: per quad, its
 * constants (rows_quad_t, ROWS_QUAD_WORDS words: one pointer walks both), then row 0's
 * first n - 1 words, the merged word (row 0's last value low, row 1's high), row 1's first
 * n - 1 words, then row 2's n words (3n - 1 words, not 3n: vww's 14 in 15, person_detect's
 * 5 in 6). */
#define ROWS_PAIRED_QUADS 6
#define ROWS_PAIRED_WORDS 14 /* the most words of a paired quad: 3 rows of 5, less 1 */
#define ROWS_QUAD_WORDS 12   /* words of a rows_quad_t */

/* The constants of a block or, for a paired layer, its quads' constants and repacked
 * weights (never both): one stack with the pointwise path's table (conv_s8_dsp.c). */
typedef union {
    rows_quad_t ch[128 / 4];
    uint32_t w[ROWS_PAIRED_QUADS * (ROWS_QUAD_WORDS + ROWS_PAIRED_WORDS * 4)];
} rows_tables_t;

/* Words of a paired quad of n-word rows: its constants, then 3n - 1 words of 4 weights. */
static inline int32_t rows_paired_quad_words(int32_t n)
{
    return ROWS_QUAD_WORDS + (3 * n - 1) * 4;
}

/* Whether the layer of geometry g runs on paired rows (the block's quads given). */
static inline int rows_paired(const micro_conv_s8_params_t *p, const micro_first_rows_t *g,
                              int32_t quads)
{
    const int32_t shape = micro_first_rows_shape(p->filter_height, g->words, g->delta);
    return g->copies == 1 && (p->filter_width * p->filter_depth) % 2 == 1 &&
           (shape == 1 || shape == 2) && quads <= ROWS_PAIRED_QUADS;
}

/* The paired weights of `quads` quads of layout 2 at src (copy 0, 3 rows of n words; the high
 * half of a row's last word is zero) at dst, rows_paired_quad_words(n) words a quad, each
 * quad's first ROWS_QUAD_WORDS left to its constants (the caller's). */
static void rows_pair_weights(uint32_t *dst, const int8_t *src, int32_t quads, int32_t n)
{
    for (int32_t q = 0; q < quads; ++q) {
        const int8_t *w = src + (int64_t)q * 3 * n * 16;
        dst += ROWS_QUAD_WORDS;
        for (int32_t j = 0; j < n - 1; ++j) {
            for (int32_t f = 0; f < 4; ++f) {
                *dst++ = micro_read4(w + (j * 4 + f) * 4);
            }
        }
        for (int32_t f = 0; f < 4; ++f) {
            const uint32_t r0 = micro_read4(w + ((n - 1) * 4 + f) * 4);
            const uint32_t r1 = micro_read4(w + ((2 * n - 1) * 4 + f) * 4);
            *dst++ = (r0 & 0xFFFFu) | r1 << 16;
        }
        for (int32_t j = n; j < 3 * n; ++j) {
            if (j == 2 * n - 1) {
                continue;
            }
            for (int32_t f = 0; f < 4; ++f) {
                *dst++ = micro_read4(w + (j * 4 + f) * 4);
            }
        }
    }
}

/* The run in C: FH rows of n words, pixel 1's window `delta` values after pixel 0's. */
static void rows_c(rows_run_t *a, int32_t fh, int32_t n, int32_t delta)
{
    const int32_t paired = a->paired;
    /* A paired quad's constants lead its weights. */
    const int32_t lead = paired ? ROWS_QUAD_WORDS * 4 : 0;
    const int32_t quad = (fh * n - paired) * 16 + lead;
    for (int32_t i = 0; i < a->pairs; ++i, a->out += a->out_step) {
        const int8_t *w = a->filter;
        const int64_t at = (int64_t)i * (a->step / 2);
        for (int32_t q = 0; q < a->quads; ++q, w += quad) {
            rows_quad_t quad_ch;
            memcpy(&quad_ch, paired ? (const void *)w : (const void *)(a->ch + q), sizeof quad_ch);
            const rows_quad_t *ch = &quad_ch;
            int32_t s[8];
            for (int32_t f = 0; f < 4; ++f) {
                s[2 * f] = s[2 * f + 1] = ch->bias[f];
            }
            const int8_t *wj = w + lead; /* the next word's 4 weights */
            for (int32_t fy = 0; fy < fh; ++fy) {
                const int16_t *x = a->rows[fy] + at;
                /* Rows 0 and 1 of a paired layer leave their last word to the merged one. */
                const int32_t words = paired && fy < 2 ? n - 1 : n;
                for (int32_t j = 0; j <= words; ++j, wj += 16) {
                    uint32_t x0, x1;
                    if (j < words) {
                        x0 = micro_read4(x + 2 * j);
                        x1 = micro_read4(x + delta + 2 * j);
                    } else if (paired && fy == 0) {
                        /* The merged word: row 0's last value low, row 1's high. */
                        const int16_t *y = a->rows[1] + at;
                        x0 = micro_pkh_lo(micro_read4(x + 2 * j), micro_read4(y + 2 * j));
                        x1 = micro_pkh_lo(micro_read4(x + delta + 2 * j),
                                          micro_read4(y + delta + 2 * j));
                    } else {
                        break;
                    }
                    for (int32_t f = 0; f < 4; ++f) {
                        const uint32_t wf = micro_read4(wj + f * 4);
                        s[2 * f] = micro_smlad(x0, wf, s[2 * f]);
                        s[2 * f + 1] = micro_smlad(x1, wf, s[2 * f + 1]);
                    }
                }
            }
            /* Pixel 1 first: a lone pixel (gap 0) ends with its own bytes. */
            for (int32_t f = 0; f < 4; ++f) {
                a->out[a->gap + 4 * q + f] =
                    (int8_t)pw_out(s[2 * f + 1], ch->mp[f][0], ch->mp[f][1], a->zp);
            }
            for (int32_t f = 0; f < 4; ++f) {
                a->out[4 * q + f] = (int8_t)pw_out(s[2 * f], ch->mp[f][0], ch->mp[f][1], a->zp);
            }
        }
    }
}

/* A lone pixel's run (one pair, gap 0; weights not paired) on FH rows of n words: pixel
 * 0's sums alone, not a pair of it (a fifth of kws's first layer: 5 columns, 3 pairs). Per
 * word one pixel load, 4 weight loads, 4 SMLAD; the same sums and pw_out as rows_asm_*. */
static MICRO_ALWAYS_INLINE void rows_lone_k(const rows_run_t *a, int32_t fh, int32_t n)
{
    const int8_t *w = a->filter; /* 16 bytes a word, the quads in turn */
    int8_t *out = a->out;
    for (int32_t q = 0; q < a->quads; ++q, out += 4) {
        const rows_quad_t *ch = a->ch + q;
        int32_t s0 = ch->bias[0], s1 = ch->bias[1], s2 = ch->bias[2], s3 = ch->bias[3];
        /* Whole rows unrolled (the caller's constant FH and n, -Os too): the rows' pointers
         * and the weights at fixed offsets. */
#pragma GCC unroll 16
        for (int32_t fy = 0; fy < fh; ++fy) {
            const int16_t *x = a->rows[fy];
#pragma GCC unroll 8
            for (int32_t j = 0; j < n; ++j, w += 16) {
                const uint32_t v = micro_read4(x + 2 * j);
                s0 = micro_smlad(v, micro_read4(w), s0);
                s1 = micro_smlad(v, micro_read4(w + 4), s1);
                s2 = micro_smlad(v, micro_read4(w + 8), s2);
                s3 = micro_smlad(v, micro_read4(w + 12), s3);
            }
        }
        out[0] = (int8_t)pw_out(s0, ch->mp[0][0], ch->mp[0][1], a->zp);
        out[1] = (int8_t)pw_out(s1, ch->mp[1][0], ch->mp[1][1], a->zp);
        out[2] = (int8_t)pw_out(s2, ch->mp[2][0], ch->mp[2][1], a->zp);
        out[3] = (int8_t)pw_out(s3, ch->mp[3][0], ch->mp[3][1], a->zp);
    }
}

/* rows_lone_k on 10 rows of 2 words (10x4 filters of one channel). */
static MICRO_NOINLINE void rows_lone_10x2(const rows_run_t *a)
{
    rows_lone_k(a, 10, 2);
}

#if MICRO_DSP && defined(__GNUC__)
/* 16 int8 a turn from src (any alignment) widened in order to int16 at dst (4-aligned):
 * per word SXTB16 twice, PKHBT and PKHTB put the values back in order; one STM of 8
 * registers (2.2 est. cycles a byte, 3.75 with a word's two stores per turn). */
__attribute__((naked, noinline)) static void rows_widen16_asm(int16_t *dst, const int8_t *src,
                                                              int32_t turns)
{
    (void)dst;
    (void)src;
    (void)turns;
    __asm__ volatile(
        "push {r4-r11, lr}\n\t"
        "1:\n\t"
        "ldr r5, [r1]\n\t"
        "ldr r7, [r1, #4]\n\t"
        "ldr r9, [r1, #8]\n\t"
        "ldr r11, [r1, #12]\n\t"
        "add r1, r1, #16\n\t"
        "sxtb16 r12, r5\n\t" /* values 0, 2 */
        "sxtb16 lr, r5, ror #8\n\t" /* values 1, 3 */
        "pkhbt r4, r12, lr, lsl #16\n\t" /* 0, 1 */
        "pkhtb r5, lr, r12, asr #16\n\t" /* 2, 3 */
        "sxtb16 r12, r7\n\t"
        "sxtb16 lr, r7, ror #8\n\t"
        "pkhbt r6, r12, lr, lsl #16\n\t"
        "pkhtb r7, lr, r12, asr #16\n\t"
        "sxtb16 r12, r9\n\t"
        "sxtb16 lr, r9, ror #8\n\t"
        "pkhbt r8, r12, lr, lsl #16\n\t"
        "pkhtb r9, lr, r12, asr #16\n\t"
        "sxtb16 r12, r11\n\t"
        "sxtb16 lr, r11, ror #8\n\t"
        "pkhbt r10, r12, lr, lsl #16\n\t"
        "pkhtb r11, lr, r12, asr #16\n\t"
        "stm r0!, {r4-r11}\n\t"
        "subs r2, r2, #1\n\t"
        "bne 1b\n\t"
        "pop {r4-r11, pc}\n\t");
}

/* A 16-value turn of rows_widen32_asm: 4 words from r1 (LDM: src 4-aligned) widened in order
 * to 8 at r0, as rows_widen16_asm's. */
#define ROWS_WIDEN_TURN                                  \
    "ldm r1!, {r5, r7, r9, r11}\n\t"                    \
    "sxtb16 r12, r5\n\t"                                \
    "sxtb16 lr, r5, ror #8\n\t"                         \
    "pkhbt r4, r12, lr, lsl #16\n\t"                    \
    "pkhtb r5, lr, r12, asr #16\n\t"                    \
    "sxtb16 r12, r7\n\t"                                \
    "sxtb16 lr, r7, ror #8\n\t"                         \
    "pkhbt r6, r12, lr, lsl #16\n\t"                    \
    "pkhtb r7, lr, r12, asr #16\n\t"                    \
    "sxtb16 r12, r9\n\t"                                \
    "sxtb16 lr, r9, ror #8\n\t"                         \
    "pkhbt r8, r12, lr, lsl #16\n\t"                    \
    "pkhtb r9, lr, r12, asr #16\n\t"                    \
    "sxtb16 r12, r11\n\t"                               \
    "sxtb16 lr, r11, ror #8\n\t"                        \
    "pkhbt r10, r12, lr, lsl #16\n\t"                   \
    "pkhtb r11, lr, r12, asr #16\n\t"                   \
    "stm r0!, {r4-r11}\n\t"

/* 32 int8 a turn from src (4-aligned) widened in order to int16 at dst (4-aligned): two
 * turns of 16 on LDM, one branch (2 est. cycles a byte; rows_widen16_asm 2.2). */
__attribute__((naked, noinline)) static void rows_widen32_asm(int16_t *dst, const int8_t *src,
                                                              int32_t turns)
{
    (void)dst;
    (void)src;
    (void)turns;
    __asm__ volatile("push {r4-r11, lr}\n\t"
                     "1:\n\t" ROWS_WIDEN_TURN ROWS_WIDEN_TURN
                     "subs r2, r2, #1\n\t"
                     "bne 1b\n\t"
                     "pop {r4-r11, pc}\n\t");
}
#undef ROWS_WIDEN_TURN
#endif

/* n int8 at src widened to int16 at dst, in order (any alignment: unaligned word stores on
 * the cores that run it; whole turns of 32 by rows_widen32_asm where dst and src are
 * 4-aligned, else of 16 by rows_widen16_asm where dst is). */
static void rows_widen(int16_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
#if MICRO_DSP && defined(__GNUC__)
    if (n >= 32 && (((uintptr_t)dst | (uintptr_t)src) & 3u) == 0) {
        i = n & ~31;
        rows_widen32_asm(dst, src, i / 32);
    }
    if (n - i >= 16 && ((uintptr_t)(dst + i) & 3u) == 0) {
        const int32_t turns = (n - i) / 16;
        rows_widen16_asm(dst + i, src + i, turns);
        i += 16 * turns;
    }
#endif
    for (; i + 4 <= n; i += 4) {
        const uint32_t v = micro_read4(src + i);
        const uint32_t even = micro_sxtb16(v), odd = micro_sxtb16_hi(v);
        const uint32_t lo = micro_pkh_lo(even, odd), hi = micro_pkh_hi(even, odd);
        memcpy(dst + i, &lo, sizeof lo);
        memcpy(dst + i + 2, &hi, sizeof hi);
    }
    for (; i < n; ++i) {
        dst[i] = src[i];
    }
}

/* n values of v at dst. */
static void rows_fill(int16_t *dst, int32_t v, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        dst[i] = (int16_t)v;
    }
}

#if MICRO_DSP && defined(__GNUC__)
/* The frame of rows_asm_*, sp-relative bytes: 0 the quad's pixel-0 output, 4 its
 * constants, 8 the block's constants' end, 12 zp, 16 gap, 20 the run, 24 the last window row's
 * pointer after the last pair, 28
 * from a pair's last quad's outputs to the next pair's first, 32 on the pair's window rows
 * (4 bytes each). A quad's weights stay in lr. */

/* The quad's weights' word W (lr, 16-byte groups) times pixel 0's word in r8 and pixel 1's
 * in r9, into the sums s[2f + p] in r0-r7. */
#define ROWS_MACS(W)                          \
    "ldr r10, [lr, #16*" #W "]\n\t"           \
    "ldr r11, [lr, #16*" #W "+4]\n\t"         \
    "smlad r0, r8, r10, r0\n\t"               \
    "smlad r1, r9, r10, r1\n\t"               \
    "smlad r2, r8, r11, r2\n\t"               \
    "smlad r3, r9, r11, r3\n\t"               \
    "ldrd r10, r11, [lr, #16*" #W "+8]\n\t"   \
    "smlad r4, r8, r10, r4\n\t"               \
    "smlad r5, r9, r10, r5\n\t"               \
    "smlad r6, r8, r11, r6\n\t"               \
    "smlad r7, r9, r11, r7\n\t"

/* Word J of window row R: r12 the row, lr the quad's weights (word W = R * n + J of its
 * 16-byte groups), pixel 1's words D bytes after pixel 0's; r0-r7 the sums s[2f + p]. */
#define ROWS_WORD(W, J, D)                    \
    "ldr r8, [r12, #4*" #J "]\n\t"            \
    "ldr r9, [r12, #4*" #J "+" #D "]\n\t"     \
    ROWS_MACS(W)

/* The first word of the window, the quad's weights' word W (0, or past a paired quad's
 * constants): the sums start from the biases in r0, r2, r4, r6 (pixel 1's from the same, no
 * moves). */
#define ROWS_FIRST_AT(D, W)                   \
    "ldr r12, [sp, #32]\n\t"                  \
    "ldr r8, [r12]\n\t"                       \
    "ldr r9, [r12, #" #D "]\n\t"              \
    "ldr r10, [lr, #16*" #W "]\n\t"           \
    "ldr r11, [lr, #16*" #W "+4]\n\t"         \
    "smlad r1, r9, r10, r0\n\t"               \
    "smlad r0, r8, r10, r0\n\t"               \
    "smlad r3, r9, r11, r2\n\t"               \
    "smlad r2, r8, r11, r2\n\t"               \
    "ldrd r10, r11, [lr, #16*" #W "+8]\n\t"   \
    "smlad r5, r9, r10, r4\n\t"               \
    "smlad r4, r8, r10, r4\n\t"               \
    "smlad r7, r9, r11, r6\n\t"               \
    "smlad r6, r8, r11, r6\n\t"
#define ROWS_FIRST(D) ROWS_FIRST_AT(D, 0)

/* Word J of window rows 0 and 1 merged (paired weights, word W): row 0's low values (r12
 * row 0 on entry) under row 1's (r12 row 1 on exit), PKHBT; then as ROWS_WORD. */
#define ROWS_MERGE(W, J, D)                   \
    "ldr r8, [r12, #4*" #J "]\n\t"            \
    "ldr r9, [r12, #4*" #J "+" #D "]\n\t"     \
    "ldr r12, [sp, #36]\n\t"                  \
    "ldr r10, [r12, #4*" #J "]\n\t"           \
    "ldr r11, [r12, #4*" #J "+" #D "]\n\t"    \
    "pkhbt r8, r8, r10, lsl #16\n\t"          \
    "pkhbt r9, r9, r11, lsl #16\n\t"          \
    ROWS_MACS(W)

/* pw_out of sums ra (pixel 0) and rb (pixel 1), the channel's m2 in register m2, pn in pn,
 * zp in r12 (conv_quads_dsp.h's argument). */
#define ROWS_REQUANT_IN(ra, rb, m2, pn)               \
    "smmlar " ra ", " ra ", " m2 ", " ra "\n\t"       \
    "smmlar " rb ", " rb ", " m2 ", " rb "\n\t"       \
    "add " ra ", " ra ", " ra ", asr #31\n\t"          \
    "add " rb ", " rb ", " rb ", asr #31\n\t"          \
    "smmlsr " ra ", " ra ", " pn ", r12\n\t"          \
    "smmlsr " rb ", " rb ", " pn ", r12\n\t"          \
    "ssat " ra ", #8, " ra "\n\t"                     \
    "ssat " rb ", #8, " rb "\n\t"
#define ROWS_REQUANT(ra, rb) ROWS_REQUANT_IN(ra, rb, "r8", "r9")

/* A quad's biases (rows_quad_t at r11) as the first sums: 4 LDR (5 est. cycles, and the
 * store after them pipelines). */
#define ROWS_BIASES_LDR                       \
    "ldr r0, [r11]\n\t"                      \
    "ldr r2, [r11, #4]\n\t"                  \
    "ldr r4, [r11, #8]\n\t"                  \
    "ldr r6, [r11, #12]\n\t"

/* Window row R's pointer into r12. */
#define ROWS_ROW(R) "ldr r12, [sp, #32+4*" #R "]\n\t"

/* Frame slot 32 + 4R from the run's rows[R] (r0 the run; r1 scratch); the advance of
 * window row R - 2, loaded in rR from the frame (LDM at r0 = sp + 32), by the step in r1. */
#define ROWS_COPY(R) "ldr r1, [r0, #4*" #R "]\n\tstr r1, [sp, #32+4*" #R "]\n\t"
#define ROWS_ADD(R) "add r" #R ", r" #R ", r1\n\t"

/* A run (rows_run_t *) whose window rows the text `rows` reads (ROWS_FIRST, then each
 * row's ROWS_ROW and ROWS_WORDs or ROWS_MERGE), `copy` the frame's rows, `advance` them by
 * a pair (r0 at the frame's rows, r1 the step: LDM into r2 on, ROWS_ADD, STM), the last
 * window row `last` (its register after `advance`: `last_reg`, compared with its end), the
 * frame `frame` bytes, a quad's weights `quad` bytes, its biases loaded by `biases`. */
#define ROWS_ASM(name, frame, copy, rows, advance, quad, last, last_reg, biases) \
    __attribute__((naked, noinline)) static void name(rows_run_t *a)            \
    {                                                                           \
        (void)a;                                                                \
        __asm__ volatile(                                                       \
            "push {r4-r11, lr}\n\t"                                             \
            "sub sp, sp, #" frame "\n\t"                                        \
            "str r0, [sp, #20]\n\t"                                             \
            "ldr r1, [r0, #84]\n\t"                                             \
            "ldr r2, [r0, #88]\n\t"                                             \
            "ldr r3, [r0, #4*" last "]\n\t"                                     \
            "mla r1, r1, r2, r3\n\t" /* the last window row's end */             \
            "str r1, [sp, #24]\n\t"                                             \
            "ldr r1, [r0, #96]\n\t"                                             \
            "str r1, [sp, #12]\n\t"                                             \
            "ldr r1, [r0, #80]\n\t"                                             \
            "str r1, [sp, #16]\n\t"                                             \
            "ldr r1, [r0, #72]\n\t"                                             \
            "ldr r2, [r0, #68]\n\t"                                             \
            "add r2, r2, r2, lsl #1\n\t"                                        \
            "add r2, r1, r2, lsl #4\n\t" /* the constants' end: 48 * quads on */ \
            "str r2, [sp, #8]\n\t"                                              \
            "ldr r1, [r0, #76]\n\t"                                             \
            "str r1, [sp, #0]\n\t"                                              \
            "ldr r1, [r0, #92]\n\t"                                             \
            "ldr r2, [r0, #68]\n\t"                                             \
            "sub r1, r1, r2, lsl #2\n\t" /* out_step - 4 * quads */             \
            "str r1, [sp, #28]\n\t" copy                                        \
            "1:\n\t"                                                            \
            "ldr r0, [sp, #20]\n\t"                                             \
            "ldr r11, [r0, #72]\n\t"                                            \
            "ldr lr, [r0, #64]\n\t"                                             \
            "2:\n\t"                                                            \
            biases /* the sums start at the biases */                           \
            "str r11, [sp, #4]\n\t" rows                                        \
            "ldr r11, [sp, #4]\n\t"                                             \
            "ldr r12, [sp, #12]\n\t"                                            \
            "ldrd r8, r9, [r11, #16]\n\t" ROWS_REQUANT("r0", "r1")              \
            "ldrd r8, r9, [r11, #24]\n\t" ROWS_REQUANT("r2", "r3")              \
            "ldrd r8, r9, [r11, #32]\n\t" ROWS_REQUANT("r4", "r5")              \
            "ldrd r8, r9, [r11, #40]\n\t" ROWS_REQUANT("r6", "r7")              \
            "bfi r0, r2, #8, #8\n\t"                                            \
            "bfi r0, r4, #16, #8\n\t"                                           \
            "bfi r0, r6, #24, #8\n\t"                                           \
            "bfi r1, r3, #8, #8\n\t"                                            \
            "bfi r1, r5, #16, #8\n\t"                                           \
            "bfi r1, r7, #24, #8\n\t"                                           \
            "ldr r8, [sp, #0]\n\t"                                              \
            "ldr r9, [sp, #16]\n\t"                                             \
            "str r1, [r8, r9]\n\t" /* pixel 1 first: a lone pixel's own last */  \
            "str r0, [r8], #4\n\t"                                              \
            "str r8, [sp, #0]\n\t"                                              \
            "add r11, r11, #48\n\t"                                             \
            "add lr, lr, #" quad "\n\t"                                         \
            "ldr r8, [sp, #8]\n\t"                                              \
            "cmp r11, r8\n\t"                                                   \
            "bne 2b\n\t"                                                        \
            "ldr r2, [sp, #0]\n\t"                                              \
            "ldr r3, [sp, #28]\n\t"                                             \
            "add r2, r2, r3\n\t"                                                \
            "str r2, [sp, #0]\n\t"                                              \
            "ldr r0, [sp, #20]\n\t"                                             \
            "ldr r1, [r0, #88]\n\t"                                             \
            "add r0, sp, #32\n\t" advance                                       \
            "ldr r12, [sp, #24]\n\t"                                            \
            "cmp " last_reg ", r12\n\t" /* the last row at its end */            \
            "bne 1b\n\t"                                                        \
            "add sp, sp, #" frame "\n\t"                                        \
            "pop {r4-r11, pc}\n\t");                                            \
    }

/* ROWS_ASM on paired weights (rows_paired: 3 window rows, a quad's constants leading its
 * weights, `quad` bytes both, one pointer in lr): the biases by one LDM at lr; the
 * requantization's constants in two runs of 4 LDR (r8-r11: the weights' registers, free
 * then), the quads' end compared with lr; the frame's 4 the quads' start, 8 their end, 20 the
 * step (no run read per pair), 44 the quad's pixel-0 output (after the rows: a pair's
 * advance is one LDM and one STM). */
#define ROWS_ASM_PAIRED(name, rows, quad)                                        \
    __attribute__((naked, noinline)) static void name(rows_run_t *a)            \
    {                                                                           \
        (void)a;                                                                \
        __asm__ volatile(                                                       \
            "push {r4-r11, lr}\n\t"                                             \
            "sub sp, sp, #48\n\t"                                               \
            "ldr r1, [r0, #84]\n\t"                                             \
            "ldr r2, [r0, #88]\n\t"                                             \
            "ldr r3, [r0, #8]\n\t"                                              \
            "str r2, [sp, #20]\n\t" /* the step */                               \
            "mla r1, r1, r2, r3\n\t" /* the last window row's end */             \
            "str r1, [sp, #24]\n\t"                                             \
            "ldr r1, [r0, #96]\n\t"                                             \
            "str r1, [sp, #12]\n\t"                                             \
            "ldr r1, [r0, #80]\n\t"                                             \
            "str r1, [sp, #16]\n\t"                                             \
            "ldr lr, [r0, #64]\n\t"                                             \
            "str lr, [sp, #4]\n\t" /* the quads' start */                        \
            "ldr r2, [r0, #68]\n\t"                                             \
            "mov r3, #" quad "\n\t"                                             \
            "mla r3, r2, r3, lr\n\t"                                            \
            "str r3, [sp, #8]\n\t" /* their end: quad * quads on */              \
            "ldr r1, [r0, #76]\n\t"                                             \
            "str r1, [sp, #44]\n\t"                                             \
            "ldr r1, [r0, #92]\n\t"                                             \
            "sub r1, r1, r2, lsl #2\n\t" /* out_step - 4 * quads */             \
            "str r1, [sp, #28]\n\t" ROWS_COPY(0) ROWS_COPY(1) ROWS_COPY(2)       \
            "2:\n\t"                                                            \
            "ldm lr, {r0, r2, r4, r6}\n\t" /* the sums start at the biases */   \
            rows                                                                \
            "ldr r12, [sp, #12]\n\t"                                            \
            "ldr r8, [lr, #16]\n\t"                                             \
            "ldr r9, [lr, #20]\n\t"                                             \
            "ldr r10, [lr, #24]\n\t"                                            \
            "ldr r11, [lr, #28]\n\t"                                            \
            ROWS_REQUANT_IN("r0", "r1", "r8", "r9")                             \
            ROWS_REQUANT_IN("r2", "r3", "r10", "r11")                           \
            "ldr r8, [lr, #32]\n\t"                                             \
            "ldr r9, [lr, #36]\n\t"                                             \
            "ldr r10, [lr, #40]\n\t"                                            \
            "ldr r11, [lr, #44]\n\t"                                            \
            ROWS_REQUANT_IN("r4", "r5", "r8", "r9")                             \
            ROWS_REQUANT_IN("r6", "r7", "r10", "r11")                           \
            "bfi r0, r2, #8, #8\n\t"                                            \
            "bfi r0, r4, #16, #8\n\t"                                           \
            "bfi r0, r6, #24, #8\n\t"                                           \
            "bfi r1, r3, #8, #8\n\t"                                            \
            "bfi r1, r5, #16, #8\n\t"                                           \
            "bfi r1, r7, #24, #8\n\t"                                           \
            "ldr r8, [sp, #44]\n\t"                                             \
            "ldr r9, [sp, #16]\n\t"                                             \
            "ldr r10, [sp, #8]\n\t"                                             \
            "str r1, [r8, r9]\n\t" /* pixel 1 first: a lone pixel's own last */  \
            "add lr, lr, #" quad "\n\t"                                         \
            "str r0, [r8], #4\n\t"                                              \
            "str r8, [sp, #44]\n\t"                                             \
            "cmp lr, r10\n\t"                                                   \
            "bne 2b\n\t"                                                        \
            "ldr r1, [sp, #20]\n\t"                                             \
            "ldr r2, [sp, #28]\n\t"                                             \
            "ldr r12, [sp, #24]\n\t"                                            \
            "ldr lr, [sp, #4]\n\t"                                              \
            "add r0, sp, #32\n\t" /* the rows and the output: one LDM, one STM */ \
            "ldm r0, {r3-r6}\n\t" ROWS_ADD(3) ROWS_ADD(4) ROWS_ADD(5)            \
            "add r6, r6, r2\n\t"                                                \
            "stm r0, {r3-r6}\n\t"                                               \
            "cmp r5, r12\n\t" /* the last row at its end */                      \
            "bne 2b\n\t"                                                        \
            "add sp, sp, #48\n\t"                                               \
            "pop {r4-r11, pc}\n\t");                                            \
    }

/* 3 rows of 5 words, pixels 12 bytes apart: RGB 3x3 at stride 2, or at stride 1 (the
 * pair two columns apart). */
ROWS_ASM(rows_asm_3x5_d12, "48",
         ROWS_COPY(0) ROWS_COPY(1) ROWS_COPY(2),
         ROWS_FIRST(12) ROWS_WORD(1, 1, 12) ROWS_WORD(2, 2, 12) ROWS_WORD(3, 3, 12)
             ROWS_WORD(4, 4, 12)
         ROWS_ROW(1) ROWS_WORD(5, 0, 12) ROWS_WORD(6, 1, 12) ROWS_WORD(7, 2, 12)
             ROWS_WORD(8, 3, 12) ROWS_WORD(9, 4, 12)
         ROWS_ROW(2) ROWS_WORD(10, 0, 12) ROWS_WORD(11, 1, 12) ROWS_WORD(12, 2, 12)
             ROWS_WORD(13, 3, 12) ROWS_WORD(14, 4, 12),
         "ldm r0, {r2-r4}\n\t" ROWS_ADD(2) ROWS_ADD(3) ROWS_ADD(4)
             "stm r0, {r2-r4}\n\t", "240", "2", "r4",
         ROWS_BIASES_LDR)

/* The same on paired weights (rows_paired): 14 words a quad after its 3 of constants (vww's
 * first layer). */
ROWS_ASM_PAIRED(rows_asm_3x5p_d12,
                ROWS_FIRST_AT(12, 3) ROWS_WORD(4, 1, 12) ROWS_WORD(5, 2, 12)
                    ROWS_WORD(6, 3, 12) ROWS_MERGE(7, 4, 12) ROWS_WORD(8, 0, 12)
                    ROWS_WORD(9, 1, 12) ROWS_WORD(10, 2, 12) ROWS_WORD(11, 3, 12)
                ROWS_ROW(2) ROWS_WORD(12, 0, 12) ROWS_WORD(13, 1, 12)
                    ROWS_WORD(14, 2, 12) ROWS_WORD(15, 3, 12) ROWS_WORD(16, 4, 12),
                "272")

/* 3 rows of 2 words, pixels 4 bytes apart: grayscale 3x3 at stride 2 (or 1). */
ROWS_ASM(rows_asm_3x2_d4, "48",
         ROWS_COPY(0) ROWS_COPY(1) ROWS_COPY(2),
         ROWS_FIRST(4) ROWS_WORD(1, 1, 4)
         ROWS_ROW(1) ROWS_WORD(2, 0, 4) ROWS_WORD(3, 1, 4)
         ROWS_ROW(2) ROWS_WORD(4, 0, 4) ROWS_WORD(5, 1, 4),
         "ldm r0, {r2-r4}\n\t" ROWS_ADD(2) ROWS_ADD(3) ROWS_ADD(4)
             "stm r0, {r2-r4}\n\t", "96", "2", "r4",
         ROWS_BIASES_LDR)

/* The same on paired weights: 5 words a quad after its 3 of constants (person_detect's
 * first layer). */
ROWS_ASM_PAIRED(rows_asm_3x2p_d4,
                ROWS_FIRST_AT(4, 3) ROWS_MERGE(4, 1, 4) ROWS_WORD(5, 0, 4)
                ROWS_ROW(2) ROWS_WORD(6, 0, 4) ROWS_WORD(7, 1, 4),
                "128")

/* 10 rows of 2 words, pixels 4 bytes apart: 10x4 filters of one channel at stride 2. */
ROWS_ASM(rows_asm_10x2_d4, "72",
         ROWS_COPY(0) ROWS_COPY(1) ROWS_COPY(2) ROWS_COPY(3) ROWS_COPY(4) ROWS_COPY(5)
             ROWS_COPY(6) ROWS_COPY(7) ROWS_COPY(8) ROWS_COPY(9),
         ROWS_FIRST(4) ROWS_WORD(1, 1, 4)
         ROWS_ROW(1) ROWS_WORD(2, 0, 4) ROWS_WORD(3, 1, 4)
         ROWS_ROW(2) ROWS_WORD(4, 0, 4) ROWS_WORD(5, 1, 4)
         ROWS_ROW(3) ROWS_WORD(6, 0, 4) ROWS_WORD(7, 1, 4)
         ROWS_ROW(4) ROWS_WORD(8, 0, 4) ROWS_WORD(9, 1, 4)
         ROWS_ROW(5) ROWS_WORD(10, 0, 4) ROWS_WORD(11, 1, 4)
         ROWS_ROW(6) ROWS_WORD(12, 0, 4) ROWS_WORD(13, 1, 4)
         ROWS_ROW(7) ROWS_WORD(14, 0, 4) ROWS_WORD(15, 1, 4)
         ROWS_ROW(8) ROWS_WORD(16, 0, 4) ROWS_WORD(17, 1, 4)
         ROWS_ROW(9) ROWS_WORD(18, 0, 4) ROWS_WORD(19, 1, 4),
         "ldm r0, {r2-r11}\n\t" ROWS_ADD(2) ROWS_ADD(3) ROWS_ADD(4) ROWS_ADD(5) ROWS_ADD(6)
             ROWS_ADD(7) ROWS_ADD(8) ROWS_ADD(9) ROWS_ADD(10) ROWS_ADD(11)
                 "stm r0, {r2-r11}\n\t",
         "320", "9", "r11", ROWS_BIASES_LDR)

#undef ROWS_WORD
#undef ROWS_MACS
#undef ROWS_FIRST
#undef ROWS_FIRST_AT
#undef ROWS_REQUANT_IN
#undef ROWS_ASM_PAIRED
#undef ROWS_MERGE
#undef ROWS_ROW
#undef ROWS_REQUANT
#undef ROWS_COPY
#undef ROWS_ADD
#undef ROWS_ASM
#undef ROWS_BIASES_LDR

/* The run on rows_asm_* where one fits the shape (and the weights' pairing), else rows_c;
 * a 10x4 layer's lone pixel on rows_lone_10x2. A build that drops a shape's path
 * (micro/paths.h) drops its asm: its layers then run the reference kernel
 * (micro_conv_s8_dsp_path), never this. */
static void rows_run(rows_run_t *a, int32_t fh, int32_t n, int32_t delta)
{
    const int rgb_gray = MICRO_PATH_ON(MICRO_PATH_CONV_ROWS);
    const int lone = a->gap == 0 && a->pairs == 1 && !a->paired;
    if (lone && MICRO_PATH_ON(MICRO_PATH_CONV_ROWS10) &&
        micro_first_rows_shape(fh, n, delta) == 3) {
        rows_lone_10x2(a);
        return;
    }
    switch (micro_first_rows_shape(fh, n, delta) * 2 + (a->paired != 0)) {
    case 2:
        rgb_gray ? rows_asm_3x5_d12(a) : rows_c(a, fh, n, delta);
        break;
    case 3:
        rgb_gray ? rows_asm_3x5p_d12(a) : rows_c(a, fh, n, delta);
        break;
    case 4:
        rgb_gray ? rows_asm_3x2_d4(a) : rows_c(a, fh, n, delta);
        break;
    case 5:
        rgb_gray ? rows_asm_3x2p_d4(a) : rows_c(a, fh, n, delta);
        break;
    case 6:
        MICRO_PATH_ON(MICRO_PATH_CONV_ROWS10) ? rows_asm_10x2_d4(a) : rows_c(a, fh, n, delta);
        break;
    default:
        rows_c(a, fh, n, delta);
    }
}
#else
static void rows_run(rows_run_t *a, int32_t fh, int32_t n, int32_t delta)
{
    if (a->gap == 0 && a->pairs == 1 && !a->paired && micro_first_rows_shape(fh, n, delta) == 3) {
        rows_lone_10x2(a);
        return;
    }
    rows_c(a, fh, n, delta);
}
#endif

#endif
