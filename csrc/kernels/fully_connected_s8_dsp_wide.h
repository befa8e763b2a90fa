/*
 * The FULLY_CONNECTED DSP twin's asm loops on filter layout 2 (int16 groups,
 * fully_connected_s8.h), internal to fully_connected_s8_dsp.c: fully_connected_s8_dsp_sums.h
 * includes it where GCC builds its asm (a DSP core at -O2) after the group macros (FC_GROUP16,
 * FC_GROUP16_BYTES) these loops unroll. Both keep their constants on the stack and
 * requantize as conv_quads_dsp.h's pw_out does (SMMLAR, the sign's add, SMMLSR by
 * pn = -2^(32 - e) accumulating zp, SSAT), storing each block's 4 bytes as one word.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_WIDE_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_WIDE_H

#include <stdint.h>

#include "dsp.h"

/* blocks_short's K = 8 on int16 filters (layout 2) with no zero-point term, in one asm
 * loop: k = {m2, pn, zp, end, xe0, xo0, xe1, xo1}, pw_out's requantization constants
 * (conv_quads_dsp.h: SMMLAR, the sign's add, SMMLSR by pn = -2^(32 - e) accumulating zp,
 * SSAT: 4 instructions where micro_requant_fast_out takes 5), the end of out and the split
 * input words, copied onto the stack, since the loop's 14 registers (4 sums, 2 input words,
 * 4 filter words, 3 pointers, lr the end) leave none for them. Per block of 4 rows: the 4
 * biases in one LDM, the 16 filter words in 4, 16 SMLAD, the input pairs reloaded (2 LDRD)
 * and the constants (one LDM from sp, where they lie first), 16 instructions of
 * requantization, the 4 bytes stored as one word and the loop's compare and branch: 46
 * instructions per 32 MACs (the C loop takes 73).
 * The floor at K = 8 is higher than 1.3 per MAC on this layout: an output's 8 MACs are
 * 4 SMLAD, its requantization 4 and its store 1 (a byte, or a quarter of a word and its
 * 3 BFI), 9 per 8 MACs (1.125) before any load. This loop's 4 sums, 2 input words, 4
 * filter words, 3 pointers and end take all 14 registers; holding the other 2 input words
 * and the 3 constants would take 5 more, so each block reloads them (3 instructions) and
 * loads its biases apart from its weights (1): 46 / 32 = 1.44 in the loop. A layout with each row's
 * bias beside its 4 weight words (one 5-register LDM a row, no bias pointer) holding the
 * inputs and constants in registers would take 10 per row, 1.25 per MAC, plus a loop
 * test of 3 (the end then on the stack) per unrolled run; the call's fixed cost (dispatch,
 * set-up, the input's split) of about 130 instructions alone is 0.13 per MAC on ad's
 * 8 -> 128 (1,024 MACs), so 1.3 would need that loop and a fixed cost under 50. blocks >= 1. */
#define FC_HAS_SHORT16_ASM 1
static MICRO_ALWAYS_INLINE void short16_8_asm(const uint32_t *k, const uint32_t *w,
                                              const int32_t *bias, int8_t *out)
{
    register const uint32_t *kp __asm__("r4") = k;
    register const uint32_t *wp __asm__("r6") = w;
    register const int32_t *bp __asm__("r7") = bias;
    register int8_t *op __asm__("r12") = out;
    __asm__ volatile(
        "ldm %[k], {r0, r1, r2, r3, r8, r9, r10, r11}\n\t"
        "push {r0, r1, r2, r3, r8, r9, r10, r11}\n\t" /* [sp]: k[0..7] */
        "mov lr, r3\n\t" /* end */
        "1:\n\t"
        "ldm %[b]!, {r0, r1, r2, r3}\n\t" /* the 4 sums start at the biases */
        "ldrd r4, r5, [sp, #16]\n\t"      /* group 0's (x0, x2), (x1, x3) */
        "ldm %[w]!, {r8, r9, r10, r11}\n\t" /* rows 0, 1: (w0, w2), (w1, w3) */
        "smlad r0, r4, r8, r0\n\t"
        "smlad r0, r5, r9, r0\n\t"
        "smlad r1, r4, r10, r1\n\t"
        "smlad r1, r5, r11, r1\n\t"
        "ldm %[w]!, {r8, r9, r10, r11}\n\t" /* rows 2, 3 */
        "smlad r2, r4, r8, r2\n\t"
        "smlad r2, r5, r9, r2\n\t"
        "smlad r3, r4, r10, r3\n\t"
        "smlad r3, r5, r11, r3\n\t"
        "ldrd r4, r5, [sp, #24]\n\t" /* group 1 */
        "ldm %[w]!, {r8, r9, r10, r11}\n\t"
        "smlad r0, r4, r8, r0\n\t"
        "smlad r0, r5, r9, r0\n\t"
        "smlad r1, r4, r10, r1\n\t"
        "smlad r1, r5, r11, r1\n\t"
        "ldm %[w]!, {r8, r9, r10, r11}\n\t"
        "smlad r2, r4, r8, r2\n\t"
        "smlad r2, r5, r9, r2\n\t"
        "smlad r3, r4, r10, r3\n\t"
        "smlad r3, r5, r11, r3\n\t"
        "ldm sp, {r8, r9, r10}\n\t" /* m2, pn, zp */
        "smmlar r0, r0, r8, r0\n\t"
        "add r0, r0, r0, asr #31\n\t"
        "smmlsr r0, r0, r9, r10\n\t"
        "ssat r0, #8, r0\n\t"
        "smmlar r1, r1, r8, r1\n\t"
        "add r1, r1, r1, asr #31\n\t"
        "smmlsr r1, r1, r9, r10\n\t"
        "ssat r1, #8, r1\n\t"
        "smmlar r2, r2, r8, r2\n\t"
        "add r2, r2, r2, asr #31\n\t"
        "smmlsr r2, r2, r9, r10\n\t"
        "ssat r2, #8, r2\n\t"
        "smmlar r3, r3, r8, r3\n\t"
        "add r3, r3, r3, asr #31\n\t"
        "smmlsr r3, r3, r9, r10\n\t"
        "ssat r3, #8, r3\n\t"
        "bfi r0, r1, #8, #8\n\t"
        "bfi r0, r2, #16, #8\n\t"
        "bfi r0, r3, #24, #8\n\t"
        "str r0, [%[o]], #4\n\t" /* any alignment (M4/M7) */
        "cmp %[o], lr\n\t"
        "bne 1b\n\t"
        "add sp, sp, #32"
        : [k] "+r"(kp), [w] "+r"(wp), [b] "+r"(bp), [o] "+r"(op)
        :
        : "r0", "r1", "r2", "r3", "r5", "r8", "r9", "r10", "r11", "lr", "cc", "memory");
}

/* blocks_fast on int16 filters (layout 2), blocks and groups >= 1, in one asm loop on the
 * widened input (`widened`, a constant once inlined: FC_GROUP16) or the int8 row
 * (FC_GROUP16_BYTES): k = {x, groups, m2, pn, zp, out, end, zp_sum}, the input, pw_out's
 * constants (short16_8_asm), the outputs' bounds and the zero-point term, copied onto the
 * stack (the group loop holds 13 registers, lr the bias pointer). Per block: the 4 biases
 * in one LDM (less zp_sum unless it is 0), FC_BLOCK's TBB entry and group loop, then the 4
 * outputs requantized and stored as one word: about 35 instructions a block besides the
 * groups', where blocks_fast's C around FC_BLOCK16 takes about 75 (constants and pointers
 * spilled). */
#define FC_HAS_BLOCKS16_ASM 1
#define FC_BLOCKS16_ASM(group)                                                             \
    "ldm %[xe], {r0, r1, r2, r3, r8, r9, r10, r11}\n\t"                                    \
    "push {r0, r1, r2, r3, r8, r9, r10, r11}\n\t" /* [sp]: k[0..7] */                      \
    "9:\n\t"                                                                               \
    "ldm %[b]!, {%[a0], %[a1], %[a2], %[a3]}\n\t" /* the sums start at the biases */       \
    "ldr %[xe], [sp, #28]\n\t"                   /* less zp_sum */                         \
    "cbz %[xe], 10f\n\t"                                                                   \
    "subs %[a0], %[a0], %[xe]\n\t"                                                         \
    "subs %[a1], %[a1], %[xe]\n\t"                                                         \
    "subs %[a2], %[a2], %[xe]\n\t"                                                         \
    "subs %[a3], %[a3], %[xe]\n\t"                                                         \
    "10:\n\t"                                                                              \
    "ldrd %[x], %[n], [sp]\n\t"                  /* the input, the group count */          \
    MICRO_ASM_TURNS8("%[xe]", group)                                                       \
    "ldrd %[w0], %[w1], [sp, #8]\n\t" /* m2, pn */                                         \
    "ldr %[w2], [sp, #16]\n\t"        /* zp */                                             \
    "smmlar %[a0], %[a0], %[w0], %[a0]\n\t"                                                \
    "add %[a0], %[a0], %[a0], asr #31\n\t"                                                 \
    "smmlsr %[a0], %[a0], %[w1], %[w2]\n\t"                                                \
    "ssat %[a0], #8, %[a0]\n\t"                                                            \
    "smmlar %[a1], %[a1], %[w0], %[a1]\n\t"                                                \
    "add %[a1], %[a1], %[a1], asr #31\n\t"                                                 \
    "smmlsr %[a1], %[a1], %[w1], %[w2]\n\t"                                                \
    "ssat %[a1], #8, %[a1]\n\t"                                                            \
    "smmlar %[a2], %[a2], %[w0], %[a2]\n\t"                                                \
    "add %[a2], %[a2], %[a2], asr #31\n\t"                                                 \
    "smmlsr %[a2], %[a2], %[w1], %[w2]\n\t"                                                \
    "ssat %[a2], #8, %[a2]\n\t"                                                            \
    "smmlar %[a3], %[a3], %[w0], %[a3]\n\t"                                                \
    "add %[a3], %[a3], %[a3], asr #31\n\t"                                                 \
    "smmlsr %[a3], %[a3], %[w1], %[w2]\n\t"                                                \
    "ssat %[a3], #8, %[a3]\n\t"                                                            \
    "bfi %[a0], %[a1], #8, #8\n\t"                                                         \
    "bfi %[a0], %[a2], #16, #8\n\t"                                                        \
    "bfi %[a0], %[a3], #24, #8\n\t"                                                        \
    "ldrd %[xe], %[xo], [sp, #20]\n\t" /* out, end */                                      \
    "str %[a0], [%[xe]], #4\n\t"      /* any alignment (M4/M7) */                          \
    "str %[xe], [sp, #20]\n\t"                                                             \
    "cmp %[xe], %[xo]\n\t"                                                                 \
    "bne 9b\n\t"                                                                           \
    "add sp, sp, #32"

#define FC_BLOCKS16_OPERANDS                                                               \
    [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xe] "+r"(xe),       \
    [xo] "=&r"(xo), [w] "+r"(wp), [x] "=&r"(xp), [w0] "=&r"(w0), [w1] "=&r"(w1),           \
    [w2] "=&r"(w2), [w3] "=&r"(w3), [n] "=&r"(n), [b] "+r"(bp)                             \
    :                                                                                      \
    : "cc", "memory"

static MICRO_ALWAYS_INLINE void blocks16_asm(int widened, const uint32_t *k, const uint32_t *w,
                                             const int32_t *bias)
{
    register uint32_t a0 __asm__("r0"), a1 __asm__("r1"), a2 __asm__("r2"), a3 __asm__("r3");
    register uintptr_t xe __asm__("r4") = (uintptr_t)k; /* k until it is on the stack */
    register uint32_t xo __asm__("r5");
    register const uint32_t *wp __asm__("r6") = w;
    register const void *xp __asm__("r7");
    register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"),
        w3 __asm__("r11");
    register int32_t n __asm__("r12");
    register const int32_t *bp __asm__("lr") = bias;
    if (widened) {
        __asm__ volatile(FC_BLOCKS16_ASM(FC_GROUP16) : FC_BLOCKS16_OPERANDS);
    } else {
        __asm__ volatile(FC_BLOCKS16_ASM(FC_GROUP16_BYTES) : FC_BLOCKS16_OPERANDS);
    }
}

#endif
