/*
 * The FULLY_CONNECTED DSP twin's block sums, the macros its block loops unroll: FC_BLOCK,
 * FC_BLOCK16 on the widened scratch, FC_BLOCK_BYTES, FC_BLOCK_BYTES8, FC_BLOCK16_BYTES on
 * the int8 row; each adds to 4 sums the dots of a block of 4 rows (int8 groups, or int16
 * on filter layout 2) with the input over a count of groups of 4 columns, and moves the
 * filter pointer past them. In asm where GCC builds it (a DSP core at -O2), else in C
 * (block_dot). Internal: included by fully_connected_s8_dsp.c after block_dot.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_SUMS_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_SUMS_H

#include <stdint.h>

#include "dsp.h"

/* The asm loop takes 13 registers besides lr: with a frame pointer (-O0) or at -Os GCC
 * cannot free them, so those builds take the C loop (the firmware builds the twins at -O2);
 * at -O2 MICRO_NO_FRAME_POINTER frees r7 for the asm's functions (blocks_fast, block_bytes)
 * when the rest is built with -fno-omit-frame-pointer. */
#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* One group, 16 products: the input pair and the 4 filter words in two LDM (8 cycles; 6
 * loads in one pipelined run would take 7 but 4 more instructions), then per row 2 SXTB16
 * and 2 SMLAD; lr is row 0's temporary, each later row reuses the word its predecessor
 * freed. LDM wants its registers ascending: xe, xo in r4, r5 and w0..w3 in r8..r11. */
#define FC_GROUP                                   \
    "ldm %[x]!, {%[xe], %[xo]}\n\t"               \
    FC_PRODUCTS

/* The 4 filter words times the input pair (xe, xo): FC_GROUP's 16 products, and
 * FC_GROUP_BYTES's once it has split the int8 word. */
#define FC_PRODUCTS                                \
    "ldm %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" \
    "sxtb16 lr, %[w0]\n\t"                        \
    "smlad %[a0], %[xe], lr, %[a0]\n\t"           \
    "sxtb16 %[w0], %[w0], ror #8\n\t"             \
    "smlad %[a0], %[xo], %[w0], %[a0]\n\t"        \
    "sxtb16 %[w0], %[w1]\n\t"                     \
    "smlad %[a1], %[xe], %[w0], %[a1]\n\t"        \
    "sxtb16 %[w1], %[w1], ror #8\n\t"             \
    "smlad %[a1], %[xo], %[w1], %[a1]\n\t"        \
    "sxtb16 %[w1], %[w2]\n\t"                     \
    "smlad %[a2], %[xe], %[w1], %[a2]\n\t"        \
    "sxtb16 %[w2], %[w2], ror #8\n\t"             \
    "smlad %[a2], %[xo], %[w2], %[a2]\n\t"        \
    "sxtb16 %[w2], %[w3]\n\t"                     \
    "smlad %[a3], %[xe], %[w2], %[a3]\n\t"        \
    "sxtb16 %[w3], %[w3], ror #8\n\t"             \
    "smlad %[a3], %[xo], %[w3], %[a3]\n\t"

/* FC_PRODUCTS on int16 filter words (layout 2): a row's two words are the halves SXTB16
 * would make, so per row 2 SMLAD and no SXTB16; the group's 8 words in two LDM of 4 (the
 * registers hold no 8): 11 instructions and 21 est. cycles per 16 products with FC_GROUP's
 * input pair. */
#define FC_PRODUCTS16                              \
    "ldm %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" \
    "smlad %[a0], %[xe], %[w0], %[a0]\n\t"        \
    "smlad %[a0], %[xo], %[w1], %[a0]\n\t"        \
    "smlad %[a1], %[xe], %[w2], %[a1]\n\t"        \
    "smlad %[a1], %[xo], %[w3], %[a1]\n\t"        \
    "ldm %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" \
    "smlad %[a2], %[xe], %[w0], %[a2]\n\t"        \
    "smlad %[a2], %[xo], %[w1], %[a2]\n\t"        \
    "smlad %[a3], %[xe], %[w2], %[a3]\n\t"        \
    "smlad %[a3], %[xo], %[w3], %[a3]\n\t"

#define FC_GROUP16                                 \
    "ldm %[x]!, {%[xe], %[xo]}\n\t"               \
    FC_PRODUCTS16

/* The block loops' operands: the four sums, the input, weight (wp) and count pointers, the
 * input's two halves and four weight words (FC_PRODUCTS' names); lr clobbered (FC_BLOCK's TBB). */
#define FC_BLOCK_OPERANDS(a0, a1, a2, a3, wp)                                                \
    [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(fc_x), [w] "+r"(wp), \
        [n] "+r"(fc_n), [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),       \
        [w2] "=&r"(w2), [w3] "=&r"(w3)                                                       \
        :                                                                                    \
        : "lr", "cc", "memory"

/* a[j] += the dot of block row j with the widened input over groups >= 1 groups; *w
 * moves past them. Eight groups per turn of the loop (146 instructions, about 200 cycles
 * per 128 products); a count not a multiple of 8 enters the first turn further in, by a
 * TBB on the count modulo 8 (the table's entries are halfword offsets from its start). */
#define FC_BLOCK(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_OF(FC_GROUP, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK16(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_OF(FC_GROUP16, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK_OF(group, xin, wp, groups, a0, a1, a2, a3)                                  \
    do {                                                                                     \
        const uint64_t *fc_x = (xin);                                                          \
        int32_t fc_n = (groups);                                                             \
        register uint32_t xe __asm__("r4"), xo __asm__("r5");                                \
        register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"),             \
            w3 __asm__("r11");                                                               \
        __asm__ volatile(MICRO_ASM_TURNS8("lr", group)                                      \
                         : FC_BLOCK_OPERANDS(a0, a1, a2, a3, wp));                               \
    } while (0)

/* FC_GROUP on the int8 row (no scratch: layers of fewer than 32 rows): the input word by
 * LDR (any alignment) split by two SXTB16 in place of the widened pair's LDM. */
#define FC_SPLIT                                   \
    "ldr %[xo], [%[x]], #4\n\t"                   \
    "sxtb16 %[xe], %[xo]\n\t"                     \
    "sxtb16 %[xo], %[xo], ror #8\n\t"
#define FC_GROUP_BYTES FC_SPLIT FC_PRODUCTS
#define FC_GROUP16_BYTES FC_SPLIT FC_PRODUCTS16

/* FC_BLOCK on the int8 row: two groups a turn (an odd count enters the turn at its
 * second), 20 instructions per 16 products (13 on int16 filters: FC_BLOCK16_BYTES). */
#define FC_BLOCK_BYTES(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_BYTES_OF(FC_GROUP_BYTES, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK16_BYTES(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_BYTES_OF(FC_GROUP16_BYTES, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK_BYTES_OF(group, xin, wp, groups, a0, a1, a2, a3)                            \
    do {                                                                                     \
        const int8_t *fc_x = (xin);                                                          \
        int32_t fc_n = (groups);                                                             \
        uint32_t xe, xo;                                                                     \
        register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"),             \
            w3 __asm__("r11");                                                               \
        __asm__ volatile("lsrs %[n], %[n], #1\n\t" /* pairs; the carry: an odd count */     \
                         "bcc 1f\n\t"                                                        \
                         "adds %[n], %[n], #1\n\t"                                           \
                         "b 2f\n\t"                                                          \
                         "1:\n\t" group "2:\n\t" group                                     \
                         "subs %[n], %[n], #1\n\t"                                           \
                         "bne 1b"                                                            \
                         : FC_BLOCK_OPERANDS(a0, a1, a2, a3, wp));                               \
    } while (0)

/* FC_BLOCK_BYTES on int8 filters, eight groups a turn (the fast blocks' loop: blocks_fast;
 * micro_speech's 4000 -> 4 is 1,000 groups on one block): 162 instructions per 128
 * products, 1.27 per MAC where the two-group turn takes 1.31; 480 B more flash than that
 * turn, so fc_row's rarer calls (block_bytes) keep it. A count not a multiple of 8 enters
 * the first turn further in, by a TBH on the count modulo 8 (a group is about 80 B of
 * code: TBB's byte offsets would not reach the last entries). */
#define FC_BLOCK_BYTES8(xin, wp, groups, a0, a1, a2, a3)                                   \
    do {                                                                                     \
        const int8_t *fc_x = (xin);                                                          \
        int32_t fc_n = (groups);                                                             \
        uint32_t xe, xo;                                                                     \
        register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"),             \
            w3 __asm__("r11");                                                               \
        __asm__ volatile("and lr, %[n], #7\n\t"                                              \
                         "adds %[n], %[n], #7\n\t" /* turns: the count over 8, rounded up */ \
                         "lsrs %[n], %[n], #3\n\t"                                           \
                         "tbh [pc, lr, lsl #1]\n\t"                                          \
                         "0:\n\t"                                                            \
                         ".hword (1f - 0b) / 2, (8f - 0b) / 2, (7f - 0b) / 2\n\t"            \
                         ".hword (6f - 0b) / 2, (5f - 0b) / 2, (4f - 0b) / 2\n\t"            \
                         ".hword (3f - 0b) / 2, (2f - 0b) / 2\n\t"                           \
                         "1:\n\t" FC_GROUP_BYTES "2:\n\t" FC_GROUP_BYTES                      \
                         "3:\n\t" FC_GROUP_BYTES "4:\n\t" FC_GROUP_BYTES                      \
                         "5:\n\t" FC_GROUP_BYTES "6:\n\t" FC_GROUP_BYTES                      \
                         "7:\n\t" FC_GROUP_BYTES "8:\n\t" FC_GROUP_BYTES                      \
                         "subs %[n], %[n], #1\n\t"                                           \
                         "bne 1b"                                                            \
                         : FC_BLOCK_OPERANDS(a0, a1, a2, a3, wp));                           \
    } while (0)

/* The layout-2 loops: short16_8_asm (K = 8) and blocks16_asm. */
#include "fully_connected_s8_dsp_wide.h"
#else
/* The same sums in C: block_dot on the widened input or the int8 row, int8 or int16
 * filter words. */
#define FC_BLOCK(xin, wp, groups, a0, a1, a2, a3) FC_BLOCK_C(1, 0, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK16(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_C(1, 1, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK_BYTES(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_C(0, 0, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK_BYTES8(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_C(0, 0, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK16_BYTES(xin, wp, groups, a0, a1, a2, a3) \
    FC_BLOCK_C(0, 1, xin, wp, groups, a0, a1, a2, a3)
#define FC_BLOCK_C(widened, wide, xin, wp, groups, a0, a1, a2, a3)                           \
    do {                                                                                     \
        int32_t fc_acc[4] = {a0, a1, a2, a3};                                                \
        block_dot(widened, wide, xin, wp, groups, fc_acc);                                   \
        wp += ((wide) ? 8 : 4) * (groups);                                                   \
        a0 = fc_acc[0];                                                                      \
        a1 = fc_acc[1];                                                                      \
        a2 = fc_acc[2];                                                                      \
        a3 = fc_acc[3];                                                                      \
    } while (0)
#endif

#endif
