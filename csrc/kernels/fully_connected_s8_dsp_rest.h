/*
 * The FULLY_CONNECTED DSP twin's rows after the blocks of 4 on the fast per-tensor
 * requantization, K a multiple of 4 (rest_rows, and rows_fast its copy out of line: filter
 * layout 3's int16 pair or two int8 rows, then a last odd one). Internal to
 * fully_connected_s8_dsp.c, which includes it after its helpers (dot_1x1; micro_dot2_s8, dsp_pair.h) and
 * fc_plan; the asm loops where GCC builds the twin's asm (a DSP core at -O2), C elsewhere.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_REST_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_REST_H

#include <stdint.h>

#include "dsp.h"
#include "dsp_pair.h"
#include "micro/kernels/fully_connected_s8.h"
#include "micro/paths.h"

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* dot_pair's group: 8 products, the input word split once for both rows; the second
 * row's word at [w + depth] read before the first's post-increments w. 13 instructions
 * where the C loop takes 16 (GCC indexes the three arrays and compares each turn). */
#define FC_PAIR                                    \
    "ldr %[xo], [%[x]], #4\n\t"                   \
    "sxtb16 %[xe], %[xo]\n\t"                     \
    "sxtb16 %[xo], %[xo], ror #8\n\t"             \
    "ldr %[w1], [%[w], %[d]]\n\t"                 \
    "ldr %[w0], [%[w]], #4\n\t"                   \
    "sxtb16 %[t], %[w0]\n\t"                      \
    "smlad %[a0], %[xe], %[t], %[a0]\n\t"         \
    "sxtb16 %[w0], %[w0], ror #8\n\t"             \
    "smlad %[a0], %[xo], %[w0], %[a0]\n\t"        \
    "sxtb16 %[t], %[w1]\n\t"                      \
    "smlad %[a1], %[xe], %[t], %[a1]\n\t"         \
    "sxtb16 %[w1], %[w1], ror #8\n\t"             \
    "smlad %[a1], %[xo], %[w1], %[a1]\n\t"

/* acc0, acc1 + the dots of x with the row-major rows w and w + depth over groups >= 1
 * groups of 4 values (any alignment: LDR): two groups a turn, an odd count entering the
 * turn at its second (FC_BLOCK_BYTES_OF's way). */
#define FC_HAS_PAIR_ASM 1
static MICRO_ALWAYS_INLINE void dot_pair(const int8_t *x, const int8_t *w, int32_t depth,
                                         int32_t groups, int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, n = groups;
    uint32_t xe, xo, w0, w1, t;
    __asm__ volatile("lsrs %[n], %[n], #1\n\t" /* pairs of groups; the carry: an odd count */
                     "bcc 1f\n\t"
                     "adds %[n], %[n], #1\n\t"
                     "b 2f\n\t"
                     "1:\n\t" FC_PAIR "2:\n\t" FC_PAIR
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w] "+r"(w), [n] "+r"(n),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),
                       [t] "=&r"(t)
                     : [d] "r"(depth)
                     : "cc", "memory");
    *acc0 = a0;
    *acc1 = a1;
}

/* dot_pair16's group: layout 3's pair of rows on int16 groups, 8 products (dsp_pair.h). */
#define FC_PAIR16 MICRO_PAIR16_GROUP

/* acc0, acc1 + the dots of x with layout 3's pair block at w (word-aligned) over
 * groups >= 1 groups: four groups a turn, a count not a multiple of 4 entering the first
 * turn further in by a TBB on the count modulo 4 (FC_BLOCK_OF's way). */
static MICRO_ALWAYS_INLINE void dot_pair16(const int8_t *x, const uint32_t *w, int32_t groups,
                                           int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, n = groups;
    uint32_t xe, xo;
    register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"), w3 __asm__("r11");
    __asm__ volatile("and lr, %[n], #3\n\t"
                     "adds %[n], %[n], #3\n\t"
                     "lsrs %[n], %[n], #2\n\t"
                     "tbb [pc, lr]\n\t"
                     "0:\n\t"
                     ".byte (1f - 0b) / 2, (4f - 0b) / 2, (3f - 0b) / 2, (2f - 0b) / 2\n\t"
                     ".p2align 1\n\t"
                     "1:\n\t" FC_PAIR16 "2:\n\t" FC_PAIR16 "3:\n\t" FC_PAIR16
                     "4:\n\t" FC_PAIR16
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w] "+r"(w), [n] "+r"(n),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),
                       [w2] "=&r"(w2), [w3] "=&r"(w3)
                     :
                     : "lr", "cc", "memory");
    *acc0 = a0;
    *acc1 = a1;
}

/* dot_pair16 and the pair's two outputs in one asm block (a 2-output head's whole work): the sums
 * start at bias[0], bias[1]; eight groups a turn (dot_pair16's four would cost a 2 x 256 head 16
 * more instructions of loop), entered by FC_BLOCK_OF's TBB; after the groups k = {m2, pn, zp}
 * (pw_out's constants, blocks16_asm) in the freed filter registers requantize both (4 instructions
 * each, conv_quads_dsp.h's pw_out) and two STRB store them: the loop's 11 registers and lr leave
 * two for k and out, so nothing is spilled around it. groups >= 1. */
#define FC_HAS_PAIR16_OUT_ASM 1
static MICRO_ALWAYS_INLINE void pair16_out(const int8_t *x, const uint32_t *w, int32_t groups,
                                           const int32_t *bias, const uint32_t *k, int8_t *out)
{
    int32_t a0 = bias[0], a1 = bias[1], n = groups;
    uint32_t xe, xo;
    register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"), w3 __asm__("r11");
    __asm__ volatile(MICRO_PAIR16_LOOP8
                     "ldm %[k], {%[w0], %[w1], %[w2]}\n\t" /* m2, pn, zp */
                     "smmlar %[a0], %[a0], %[w0], %[a0]\n\t"
                     "add %[a0], %[a0], %[a0], asr #31\n\t"
                     "smmlsr %[a0], %[a0], %[w1], %[w2]\n\t"
                     "ssat %[a0], #8, %[a0]\n\t"
                     "smmlar %[a1], %[a1], %[w0], %[a1]\n\t"
                     "add %[a1], %[a1], %[a1], asr #31\n\t"
                     "smmlsr %[a1], %[a1], %[w1], %[w2]\n\t"
                     "ssat %[a1], #8, %[a1]\n\t"
                     "strb %[a0], [%[o]]\n\t"
                     "strb %[a1], [%[o], #1]"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w] "+r"(w), [n] "+r"(n),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),
                       [w2] "=&r"(w2), [w3] "=&r"(w3)
                     : [k] "r"(k), [o] "r"(out)
                     : "lr", "cc", "memory");
}
#endif

#ifndef FC_HAS_PAIR_ASM
#define dot_pair16 micro_dot2_s16_c /* dsp_pair.h's C loop */
#endif

/* The rows after the fast blocks, rest = N mod 4 of them (1 to 3), on the fast per-tensor
 * requantization with K a multiple of 4: layout 3's int16 pair first (`pair16`: its 4 words
 * a group, dot_pair16) or two int8 rows (dot_pair, each input word split once for both),
 * then a last odd one; no loop over rows and none of fc_row's set-up (its per-channel and
 * K mod 4 cases, its blocks), so a 2-output layer pays its products, 2 biases and 2
 * requantizations. Inlined in the lean lane; rows_fast is its copy out of line. */
static MICRO_ALWAYS_INLINE void rest_rows(int pair16, const int8_t *row, const int8_t *w,
                                          const int32_t *bias, int32_t rest, int32_t depth,
                                          uint32_t zp_sum, int32_t m2, int32_t right1,
                                          int32_t zp2, int8_t *out)
{
    if (rest >= 2) {
        int32_t a0 = (int32_t)((uint32_t)bias[0] - zp_sum);
        int32_t a1 = (int32_t)((uint32_t)bias[1] - zp_sum);
        if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && pair16) {
#ifdef FC_HAS_PAIR16_OUT_ASM
            if (zp_sum == 0) { /* the lean lane's: products and outputs in one asm block */
                const uint32_t k[3] = {(uint32_t)m2, fc_pn(right1), (uint32_t)((zp2 - 1) / 2)};
                pair16_out(row, (const uint32_t *)(const void *)w, depth >> 2, bias, k, out);
                if (rest == 2) {
                    return;
                }
                w += 4 * depth;
                out[2] = (int8_t)micro_requant_fast_out(dot_1x1(row, w, depth, bias[2]), m2,
                                                        right1, zp2);
                return;
            }
#endif
            dot_pair16(row, (const uint32_t *)(const void *)w, depth >> 2, &a0, &a1);
            w += 4 * depth; /* 2 rows of K int16 */
        } else {
#ifdef FC_HAS_PAIR_ASM
            dot_pair(row, w, depth, depth >> 2, &a0, &a1);
#else
            micro_dot2_s8(row, w, w + depth, depth, &a0, &a1);
#endif
            w += 2 * depth;
        }
        out[0] = (int8_t)micro_requant_fast_out(a0, m2, right1, zp2);
        out[1] = (int8_t)micro_requant_fast_out(a1, m2, right1, zp2);
        if (rest == 2) {
            return;
        }
        bias += 2;
        out += 2;
    }
    const int32_t acc = dot_1x1(row, w, depth, (int32_t)((uint32_t)bias[0] - zp_sum));
    out[0] = (int8_t)micro_requant_fast_out(acc, m2, right1, zp2);
}

/* rest_rows out of line, for the general dispatch (the lean lane inlines its own). */
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void rows_fast(
    int pair16, const int8_t *row, const int8_t *w, const int32_t *bias, int32_t rest,
    int32_t depth, uint32_t zp_sum, int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    rest_rows(pair16, row, w, bias, rest, depth, zp_sum, m2, right1, zp2, out);
}

#endif
