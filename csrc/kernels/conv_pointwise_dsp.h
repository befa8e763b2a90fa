/*
 * CONV_2D's DSP twin on a pointwise layer (1x1, stride 1, no padding, one group; internal
 * to conv_s8_dsp.c): the pixel pairs straight from the image, widened into the scratch in
 * the layout of conv_quads_dsp.h, each pair's quads of filters (its groups, QUAD_GROUP) and
 * requantization (pw_out) in one loop of Thumb-2 with no call per pair or quad; a lone pixel
 * 4 filters at a time. Elsewhere the same sums in C.
 */
#ifndef MICRO_KERNELS_CONV_POINTWISE_DSP_H
#define MICRO_KERNELS_CONV_POINTWISE_DSP_H

#include <stdint.h>

#include "conv_patch_dsp.h"
#include "conv_quads_dsp.h"
#include "dsp.h"
#include "micro/paths.h"

/* A pointwise layer's pixel pairs: pair i is pixels 2i and 2i + 1 of `in` (K bytes apart,
 * G = ceil(K / 4) words of each read: past K the bytes meet zero weights, so the caller
 * only passes pairs after which at least 3 more input bytes exist when K % 4 != 0), widened
 * into the scratch (or, `widen` 0, one pair already there), then the n filters (a multiple
 * of 4) from w on, their constants ch[0..n), requantized by pw_out; pixel 0's outputs
 * from out on, pixel 1's `gap` bytes further (O, bytes per output pixel; 0 for a lone
 * pixel, the scratch's pair a pixel twice). */
typedef struct {
    const int8_t *in;       /*  0: pixel 0 of the first pair */
    int32_t depth;          /*  4: K, bytes per input pixel */
    int32_t pairs;          /*  8: pixel pairs, >= 1 */
    uint64_t *words;        /* 12: the scratch: G * 16 bytes, 8-aligned */
    const int8_t *filter;   /* 16: the first quad's words */
    int32_t groups;         /* 20: G */
    int32_t quads;          /* 24: n / 4, >= 1 */
    const pw_chan_t *ch;    /* 28: the n channels' constants */
    int8_t *out;            /* 32: pixel 0's output of the first channel */
    int32_t gap;            /* 36: pixel 1's outputs - pixel 0's; a pair's outputs: 2 * gap */
    int32_t zp;             /* 40: output_zp */
    int32_t widen;          /* 44: 1: widen each pair from in; 0: one pair, in the scratch */
    const pw_chan_t *floor; /* 48: filter layout 4's records of the n channels, or NULL: the
                               G = 4 loop then requantizes by them (pw_floor_out) */
} pointwise_t;

/* Widens the pixel pair at `in` (pixel 1 at in + depth) into the scratch's layout, G groups
 * of each. */
static MICRO_ALWAYS_INLINE void widen_pair(uint64_t *words, const int8_t *in, int32_t depth,
                                           int32_t groups)
{
    for (int32_t j = 0; j < groups; ++j) {
        words[2 * j] = widen4(micro_read4(in + 4 * j));
        words[2 * j + 1] = widen4(micro_read4(in + depth + 4 * j));
    }
}

#if MICRO_DSP && defined(__GNUC__)
/* The pointwise loops' frame, sp-relative bytes:
 *   0 the quad's constants (chan_t *)   4 its pixel-0 output        8 the block's scratch base
 *  12 the block's entry (Thumb address) 16 zp                       20 short: 32 * G; long: the
 *  24 O (pixel 1's output - pixel 0's)  28 the filters' end            filter advance into it
 *  32 the pair's pixel 0                36 K                        40 pairs left
 *  44 the first constants               48 the pair's outputs       52 the first quad (short:
 *  56 the scratch                       60 G                           adjusted)
 *  64 long: the scratch base's end (its base after the last turn); PW_FIXED2: O + 4
 *  68 widen                             12 PW_FIXED2: the number of quads is odd. */
#define PW_FRAME_SIZE "72"

/* A quad's group at scratch `px` and filter `fw` (byte offsets from r12, lr) first, its
 * accumulators starting at the biases (no moves) of the constants `cb` bytes past r11, r12
 * from frame slot `base` (PW_FIRST: the constants at r11). */
#define PW_FIRST_AT(base, px, fw, cb)     \
    "ldr r12, [sp, #" base "]\n\t"        \
    "ldr r0, [r11, #" cb "]\n\t"          \
    "ldr r2, [r11, #" cb "+12]\n\t"       \
    "ldr r4, [r11, #" cb "+24]\n\t"       \
    "ldr r6, [r11, #" cb "+36]\n\t"       \
    "ldr r8, [r12, #" px "]\n\t"          \
    "ldr r9, [r12, #" px "+8]\n\t"        \
    "ldr r10, [lr, #" fw "]\n\t"          \
    "ldr r11, [lr, #" fw "+4]\n\t"        \
    "smlad r1, r9, r10, r0\n\t"           \
    "smlad r0, r8, r10, r0\n\t"           \
    "smlad r3, r9, r11, r2\n\t"           \
    "smlad r2, r8, r11, r2\n\t"           \
    "ldr r10, [lr, #" fw "+8]\n\t"        \
    "ldr r11, [lr, #" fw "+12]\n\t"       \
    "smlad r5, r9, r10, r4\n\t"           \
    "smlad r4, r8, r10, r4\n\t"           \
    "smlad r7, r9, r11, r6\n\t"           \
    "smlad r6, r8, r11, r6\n\t"           \
    "ldr r8, [r12, #" px "+4]\n\t"        \
    "ldr r9, [r12, #" px "+12]\n\t"       \
    "ldr r10, [lr, #" fw "+16]\n\t"       \
    "ldr r11, [lr, #" fw "+20]\n\t"       \
    "smlad r0, r8, r10, r0\n\t"           \
    "smlad r1, r9, r10, r1\n\t"           \
    "smlad r2, r8, r11, r2\n\t"           \
    "smlad r3, r9, r11, r3\n\t"           \
    "ldr r10, [lr, #" fw "+24]\n\t"       \
    "ldr r11, [lr, #" fw "+28]\n\t"       \
    "smlad r4, r8, r10, r4\n\t"           \
    "smlad r5, r9, r10, r5\n\t"           \
    "smlad r6, r8, r11, r6\n\t"           \
    "smlad r7, r9, r11, r7\n\t"
#define PW_FIRST(base, px, fw) PW_FIRST_AT(base, px, fw, "0")

/* Entry: the frame's common slots from the pointwise_t (r0). */
#define PW_PROLOGUE                                 \
    "push {r0, r4-r11, lr}\n\t"                     \
    "sub sp, sp, #" PW_FRAME_SIZE "\n\t"            \
    "ldm r0, {r1-r12}\n\t"                          \
    "str r12, [sp, #68]\n\t"                        \
    "str r1, [sp, #32]\n\t"                         \
    "str r2, [sp, #36]\n\t"                         \
    "str r3, [sp, #40]\n\t"                         \
    "str r8, [sp, #44]\n\t"                         \
    "str r9, [sp, #48]\n\t"                         \
    "str r4, [sp, #56]\n\t"                         \
    "str r6, [sp, #60]\n\t"                         \
    "str r11, [sp, #16]\n\t"                        \
    "str r10, [sp, #24]\n\t"

/* The block's entry: group r12 (skip) of label 10, 112 bytes a group. */
#define PW_ENTRY                \
    "adr.w r0, 10f\n\t"         \
    "mov r1, #112\n\t"          \
    "mla r0, r12, r1, r0\n\t"   \
    "orr r0, r0, #1\n\t"        \
    "str r0, [sp, #12]\n\t"

/* Two groups of a pixel pair, loaded as words (pixel 0's in r12 and r8, pixel 1's in lr and
 * r10), split into pairs of int16 and stored at r2, which moves on 32 bytes. */
#define PW_SPLIT2                     \
    "sxtb16 r4, r12\n\t"              \
    "sxtb16 r5, r12, ror #8\n\t"      \
    "sxtb16 r6, lr\n\t"               \
    "sxtb16 r7, lr, ror #8\n\t"       \
    "sxtb16 r9, r8, ror #8\n\t"       \
    "sxtb16 r8, r8\n\t"               \
    "sxtb16 r11, r10, ror #8\n\t"     \
    "sxtb16 r10, r10\n\t"             \
    "stm r2!, {r4-r11}\n\t"

/* A pair: pixels in and in + K widened into the scratch (not with widen 0), two groups a
 * turn (13 est. cycles per group; the odd one first), the quads restarted at the first
 * (filter pointer lr from frame slot 52, constants r11 from slot 44). */
#define PW_PAIR                     \
    "1:\n\t"                        \
    "ldr r0, [sp, #32]\n\t"         \
    "ldr r1, [sp, #36]\n\t"         \
    "ldr r2, [sp, #56]\n\t"         \
    "ldr r3, [sp, #60]\n\t"         \
    "ldr r4, [sp, #68]\n\t"         \
    "add r1, r0, r1\n\t"            \
    "cbz r4, 6f\n\t"                \
    "lsrs r3, r3, #1\n\t"           \
    "bcc 7f\n\t"                    \
    "ldr r4, [r0], #4\n\t"          \
    "ldr r5, [r1], #4\n\t"          \
    "sxtb16 r6, r4\n\t"             \
    "sxtb16 r7, r4, ror #8\n\t"     \
    "sxtb16 r8, r5\n\t"             \
    "sxtb16 r9, r5, ror #8\n\t"     \
    "stm r2!, {r6-r9}\n\t"          \
    "7:\n\t"                        \
    "cbz r3, 6f\n\t"                \
    "5:\n\t"                        \
    "ldr r12, [r0], #8\n\t"         \
    "ldr r8, [r0, #-4]\n\t"         \
    "ldr lr, [r1], #8\n\t"          \
    "ldr r10, [r1, #-4]\n\t"        \
    PW_SPLIT2                       \
    "subs r3, r3, #1\n\t"           \
    "bne 5b\n\t"                    \
    "6:\n\t"                        \
    "ldr r11, [sp, #44]\n\t"        \
    "ldr r1, [sp, #48]\n\t"         \
    "ldr lr, [sp, #52]\n\t"         \
    "strd r11, r1, [sp]\n\t"

/* PW_PAIR for a fixed, even G: the pair widened in a straight line (`widen`: PW_WIDEN2 at
 * each 8-byte step of the pixels), no test or loop; a call with widen 0 (one pair, in the
 * scratch) enters at label 6 from PW_SKIP_WIDEN. 10 est. cycles a pair fewer for G = 2,
 * 4 more per further 2 groups. */
#define PW_PAIR_FIXED(widen)        \
    "1:\n\t"                        \
    "ldr r0, [sp, #32]\n\t"         \
    "ldr r1, [sp, #36]\n\t"         \
    "ldr r2, [sp, #56]\n\t"         \
    "add r1, r0, r1\n\t" widen      \
    "6:\n\t"                        \
    "ldr r11, [sp, #44]\n\t"        \
    "ldr r1, [sp, #48]\n\t"         \
    "ldr lr, [sp, #52]\n\t"         \
    "strd r11, r1, [sp]\n\t"

/* Groups j and j + 1 of the pair (byte `off` = 8 * j of each pixel, r0 and r1) widened
 * into the scratch at r2, which moves on 32 bytes. */
#define PW_WIDEN2(off)                  \
    "ldr r12, [r0, #" off "]\n\t"       \
    "ldr r8, [r0, #" off "+4]\n\t"      \
    "ldr lr, [r1, #" off "]\n\t"        \
    "ldr r10, [r1, #" off "+4]\n\t"     \
    PW_SPLIT2

/* The end of a fixed G's prologue: with widen 0 (r12 from PW_PROLOGUE) straight to the
 * scratch's pair. */
#define PW_SKIP_WIDEN           \
    "cmp r12, #0\n\t"          \
    "beq.w 6f\n\t"

/* The quad's 8 sums requantized in registers, its constants `cb` bytes past those in frame
 * slot 0 (r11 keeps that pointer; each channel's m2 and pn loaded a register ahead, in 3
 * runs of loads: channels 0 and 1 packed first to free r2, r3 for the last run), each
 * pixel's 4 bytes packed into r0 (pixel 0) and r1 (pixel 1); r3 the quad's pixel-0
 * output (frame slot 4). */
#define PW_REQUANT8_BY(REQ, zp, cb)                                            \
    "ldr r11, [sp, #0]\n\t" zp                                                 \
    "ldr r8, [r11, #" cb "+4]\n\t"                                             \
    "ldr r9, [r11, #" cb "+8]\n\t"                                             \
    "ldr r10, [r11, #" cb "+16]\n\t" REQ("r0", "r1", "r8", "r9", "r12")        \
    "ldr r8, [r11, #" cb "+20]\n\t"                                            \
    "ldr r9, [r11, #" cb "+28]\n\t" REQ("r2", "r3", "r10", "r8", "r12")        \
    "bfi r0, r2, #8, #8\n\t"                                                   \
    "bfi r1, r3, #8, #8\n\t"                                                   \
    "ldr r10, [r11, #" cb "+32]\n\t"                                           \
    "ldr r8, [r11, #" cb "+40]\n\t"                                            \
    "ldr r2, [r11, #" cb "+44]\n\t"                                            \
    "ldr r3, [sp, #4]\n\t" REQ("r4", "r5", "r9", "r10", "r12")                  \
        REQ("r6", "r7", "r8", "r2", "r12")                                     \
    "bfi r0, r4, #16, #8\n\t"                                                  \
    "bfi r0, r6, #24, #8\n\t"                                                  \
    "bfi r1, r5, #16, #8\n\t"                                                  \
    "bfi r1, r7, #24, #8\n\t"
#define PW_REQUANT8(cb) PW_REQUANT8_BY(PW_REQUANT_ASM, "ldr r12, [sp, #16]\n\t", cb)
/* The same by layout 4's records (the constants' m and c where m2 and pn are; no zp). */
#define PW_FLOOR8(cb) PW_REQUANT8_BY(PW_FLOOR_ASM, "", cb)

/* The pair done: the next one's input and outputs (label 1), or the return. */
#define PW_NEXT_PAIR                                                           \
    "ldr r0, [sp, #32]\n\t"                                                    \
    "ldr r1, [sp, #36]\n\t"                                                    \
    "ldr r2, [sp, #48]\n\t"                                                    \
    "ldr r3, [sp, #24]\n\t"                                                    \
    "ldr r4, [sp, #40]\n\t"                                                    \
    "add r0, r0, r1, lsl #1\n\t"                                               \
    "add r2, r2, r3, lsl #1\n\t"                                               \
    "str r0, [sp, #32]\n\t"                                                    \
    "str r2, [sp, #48]\n\t"                                                    \
    "subs r4, r4, #1\n\t"                                                      \
    "str r4, [sp, #40]\n\t"                                                    \
    "bne 1b\n\t"                                                               \
    "add sp, sp, #" PW_FRAME_SIZE "\n\t"                                       \
    "pop {r0, r4-r11, pc}\n\t"

/* The quad's sums requantized (PW_REQUANT8), each pixel's 4 bytes stored as one word; r11
 * the next quad's constants, the next quad (label 2) until lr reaches the filters' end,
 * then the next pair. */
#define PW_TAIL(pre)                                                           \
    pre PW_REQUANT8("0")                                                       \
    "ldr r9, [sp, #24]\n\t"                                                    \
    "ldr r10, [sp, #28]\n\t"                                                   \
    "str r1, [r3, r9]\n\t"                                                     \
    "str r0, [r3], #4\n\t"                                                     \
    "add r11, r11, #48\n\t"                                                    \
    "strd r11, r3, [sp]\n\t"                                                   \
    "cmp lr, r10\n\t"                                                          \
    "bne 2b\n\t" PW_NEXT_PAIR

/* Turns of 32 groups (label 10) until the scratch base r12 reaches register `end` (after
 * `load`: the groups may use it). */
#define PW_TURNS(GROUP, load, end)                                                     \
    "10:\n\t" GROUP(0) GROUP(1) GROUP(2) GROUP(3) GROUP(4) GROUP(5) GROUP(6) GROUP(7) \
        GROUP(8) GROUP(9) GROUP(10) GROUP(11) GROUP(12) GROUP(13) GROUP(14) GROUP(15)  \
        GROUP(16) GROUP(17) GROUP(18) GROUP(19) GROUP(20) GROUP(21) GROUP(22)          \
        GROUP(23) GROUP(24) GROUP(25) GROUP(26) GROUP(27) GROUP(28) GROUP(29)          \
        GROUP(30) GROUP(31)                                                            \
            "add r12, r12, #512\n\t"                                                 \
            "add lr, lr, #1024\n\t" load                                             \
            "cmp r12, " end "\n\t"                                                   \
            "bne 10b\n\t"

/* The pairs of a pointwise layer whose G is 1..9 (K <= 36), every quad of each, with no
 * call per pair or quad: per quad its last group first (PW_FIRST at the block's index 8,
 * skip = 9 - G), then the block's groups skip..7 (0..G - 2) through the entry in the frame.
 * Groups are 28 32-bit instructions (112 bytes: r8-r11 take no 16-bit loads). */
__attribute__((naked, noinline)) static void pointwise_asm(const pointwise_t *a)
{
    (void)a;
    __asm__ volatile(
        PW_PROLOGUE
        "rsb r12, r6, #9\n\t" /* skip */
        "sub r0, r4, r12, lsl #4\n\t"
        "str r0, [sp, #8]\n\t"
        "sub r0, r5, r12, lsl #5\n\t"
        "str r0, [sp, #52]\n\t"
        "lsl r1, r6, #5\n\t"
        "str r1, [sp, #20]\n\t"
        "mla r0, r7, r1, r0\n\t"
        "str r0, [sp, #28]\n\t" PW_ENTRY PW_PAIR
        "2:\n\t" PW_FIRST("8", "128", "256")
        "ldr pc, [sp, #12]\n\t"
        "10:\n\t" QUAD_GROUP(0) QUAD_GROUP(1) QUAD_GROUP(2) QUAD_GROUP(3)
        QUAD_GROUP(4) QUAD_GROUP(5) QUAD_GROUP(6) QUAD_GROUP(7)
        PW_TAIL("ldr r10, [sp, #20]\n\tadd lr, lr, r10\n\t"));
}

/* The same for G of 2 (K of 5-8), the groups in a straight line from group 0 (PW_FIRST):
 * no entry jump, the filter pointer advanced by an immediate, 5 est. cycles a quad fewer. */
#define PW_FIXED(name, groups, quad, widen)                                     \
    __attribute__((naked, noinline)) static void name(const pointwise_t *a)     \
    {                                                                           \
        (void)a;                                                                \
        __asm__ volatile(PW_PROLOGUE "str r4, [sp, #8]\n\t"                     \
                                     "str r5, [sp, #52]\n\t"                    \
                                     "lsl r1, r6, #5\n\t"                       \
                                     "mla r0, r7, r1, r5\n\t"                   \
                                     "str r0, [sp, #28]\n\t" PW_SKIP_WIDEN      \
                             PW_PAIR_FIXED(widen)                               \
                         "2:\n\t" PW_FIRST("8", "0", "0") groups                 \
                             PW_TAIL("add lr, lr, #" quad "\n\t"));             \
    }

PW_FIXED(pointwise_g2_asm, QUAD_GROUP(1), "64", PW_WIDEN2("0"))

/* The same two quads a turn for G of 4, 8, 16 and 32 (`groups`(Q): groups 1..G - 1 of the
 * quad Q bytes past lr; `quad` = Q of the second, 32 * G; `two` = 2 * Q): the first
 * quad's sums stored without moving a pointer, the second's words and constants at fixed
 * offsets, one turn's pointer updates and loop test for both: 4.5 est. cycles a quad
 * fewer. With an odd number of quads every pointer starts a quad back (frame slot 12: 1)
 * and the first turn enters at its second quad (label 3). Frame slot 64: O + 4. */
#define PW_FIXED2(name, groups, quad, two, widen, R8)                           \
    __attribute__((naked, noinline)) static void name(const pointwise_t *a)     \
    {                                                                           \
        (void)a;                                                                \
        __asm__ volatile(PW_PROLOGUE "str r4, [sp, #8]\n\t"                     \
                                     "lsl r1, r6, #5\n\t"                       \
                                     "mla r0, r7, r1, r5\n\t"                   \
                                     "str r0, [sp, #28]\n\t"                    \
                                     "add r0, r10, #4\n\t"                      \
                                     "str r0, [sp, #64]\n\t"                    \
                                     "and r0, r7, #1\n\t"                       \
                                     "str r0, [sp, #12]\n\t"                    \
                                     "cbz r0, 8f\n\t"                           \
                                     "sub r5, r5, r1\n\t"                       \
                                     "sub r8, r8, #48\n\t"                      \
                                     "sub r9, r9, #4\n\t"                       \
                                     "str r8, [sp, #44]\n\t"                    \
                                     "str r9, [sp, #48]\n\t"                    \
                                     "8:\n\t"                                   \
                                     "str r5, [sp, #52]\n\t" PW_SKIP_WIDEN      \
                             PW_PAIR_FIXED(widen)                               \
                         "ldr r0, [sp, #12]\n\t"                                \
                         "cmp r0, #0\n\t"                                       \
                         "bne.w 3f\n\t"                                         \
                         "2:\n\t" PW_FIRST("8", "0", "0") groups("0")           \
                             R8("0")                                            \
                         "ldr r9, [sp, #24]\n\t"                                \
                         "str r1, [r3, r9]\n\t"                                 \
                         "str r0, [r3]\n\t"                                     \
                         "3:\n\t" PW_FIRST_AT("8", "0", quad, "48") groups(quad) \
                         "add lr, lr, #" two "\n\t" R8("48")                     \
                         "ldr r9, [sp, #64]\n\t"                                \
                         "ldr r10, [sp, #28]\n\t"                               \
                         "str r1, [r3, r9]\n\t"                                 \
                         "str r0, [r3, #4]\n\t"                                 \
                         "add r3, r3, #8\n\t"                                   \
                         "add r11, r11, #96\n\t"                                \
                         "strd r11, r3, [sp]\n\t"                               \
                         "cmp lr, r10\n\t"                                      \
                         "bne 2b\n\t" PW_NEXT_PAIR);                            \
    }

/* Groups 1..3, 1..7, 8..15 and 16..31 of the quad Q bytes past lr. */
#define QUAD_GROUPS_1_3(Q) QUAD_GROUP_AT(1, Q) QUAD_GROUP_AT(2, Q) QUAD_GROUP_AT(3, Q)
#define QUAD_GROUPS_1_7(Q)                                                                  \
    QUAD_GROUPS_1_3(Q) QUAD_GROUP_AT(4, Q) QUAD_GROUP_AT(5, Q) QUAD_GROUP_AT(6, Q)          \
    QUAD_GROUP_AT(7, Q)
#define QUAD_GROUPS_8_15(Q)                                                                 \
    QUAD_GROUP_AT(8, Q) QUAD_GROUP_AT(9, Q) QUAD_GROUP_AT(10, Q) QUAD_GROUP_AT(11, Q)      \
    QUAD_GROUP_AT(12, Q) QUAD_GROUP_AT(13, Q) QUAD_GROUP_AT(14, Q) QUAD_GROUP_AT(15, Q)
#define QUAD_GROUPS_16_31(Q)                                                                \
    QUAD_GROUP_AT(16, Q) QUAD_GROUP_AT(17, Q) QUAD_GROUP_AT(18, Q) QUAD_GROUP_AT(19, Q)    \
    QUAD_GROUP_AT(20, Q) QUAD_GROUP_AT(21, Q) QUAD_GROUP_AT(22, Q) QUAD_GROUP_AT(23, Q)    \
    QUAD_GROUP_AT(24, Q) QUAD_GROUP_AT(25, Q) QUAD_GROUP_AT(26, Q) QUAD_GROUP_AT(27, Q)    \
    QUAD_GROUP_AT(28, Q) QUAD_GROUP_AT(29, Q) QUAD_GROUP_AT(30, Q) QUAD_GROUP_AT(31, Q)
#define QUAD_GROUPS_TO_15(Q) QUAD_GROUPS_1_7(Q) QUAD_GROUPS_8_15(Q)
#define QUAD_GROUPS_TO_31(Q) QUAD_GROUPS_1_7(Q) QUAD_GROUPS_8_15(Q) QUAD_GROUPS_16_31(Q)

/* The pair's groups 0..3, 0..7, 0..15 and 0..31 widened. */
#define PW_WIDEN_4 PW_WIDEN2("0") PW_WIDEN2("8")
#define PW_WIDEN_8 PW_WIDEN_4 PW_WIDEN2("16") PW_WIDEN2("24")
#define PW_WIDEN_16                                                                         \
    PW_WIDEN_8 PW_WIDEN2("32") PW_WIDEN2("40") PW_WIDEN2("48") PW_WIDEN2("56")
#define PW_WIDEN_32                                                                         \
    PW_WIDEN_16 PW_WIDEN2("64") PW_WIDEN2("72") PW_WIDEN2("80") PW_WIDEN2("88")             \
        PW_WIDEN2("96") PW_WIDEN2("104") PW_WIDEN2("112") PW_WIDEN2("120")

PW_FIXED2(pointwise_g4_asm, QUAD_GROUPS_1_3, "128", "256", PW_WIDEN_4, PW_REQUANT8)
PW_FIXED2(pointwise_g8_asm, QUAD_GROUPS_1_7, "256", "512", PW_WIDEN_8, PW_REQUANT8)
PW_FIXED2(pointwise_g16_asm, QUAD_GROUPS_TO_15, "512", "1024", PW_WIDEN_16, PW_REQUANT8)
PW_FIXED2(pointwise_g32_asm, QUAD_GROUPS_TO_31, "1024", "2048", PW_WIDEN_32, PW_REQUANT8)
/* G = 4 (K of 13-16) by layout 4's records: 16 instructions a quad's pair fewer. */
PW_FIXED2(pointwise_g4_floor_asm, QUAD_GROUPS_1_3, "128", "256", PW_WIDEN_4, PW_FLOOR8)

#undef PW_WIDEN_4
#undef PW_WIDEN_8
#undef PW_WIDEN_16
#undef PW_WIDEN_32

#undef QUAD_GROUPS_1_3
#undef QUAD_GROUPS_1_7
#undef QUAD_GROUPS_8_15
#undef QUAD_GROUPS_16_31
#undef QUAD_GROUPS_TO_15
#undef QUAD_GROUPS_TO_31
#undef PW_FIXED2

/* The same for G >= 10: per quad its group 0 first (PW_FIRST from the scratch itself),
 * the pointers moved to the block's base, then turns of the block's 32 groups over groups
 * 1..G - 1, the first entered at skip = (1 - G) mod 32, until the scratch base reaches its
 * end (slot 64): 8 est. cycles a turn, under 1 % of a K = 256 layer's (2 turns). */
__attribute__((naked, noinline)) static void pointwise_long_asm(const pointwise_t *a)
{
    (void)a;
    __asm__ volatile(
        PW_PROLOGUE
        "rsb r12, r6, #1\n\t"
        "and r12, r12, #31\n\t" /* skip */
        "sub r0, r4, r12, lsl #4\n\t"
        "add r0, r0, #16\n\t"
        "str r0, [sp, #8]\n\t"
        "sub r1, r6, #1\n\t"
        "add r1, r1, r12\n\t"
        "add r1, r0, r1, lsl #4\n\t"
        "str r1, [sp, #64]\n\t"
        "mov r1, #32\n\t"
        "sub r1, r1, r12, lsl #5\n\t"
        "str r1, [sp, #20]\n\t"
        "lsl r1, r6, #5\n\t"
        "mla r0, r7, r1, r5\n\t"
        "str r0, [sp, #28]\n\t"
        "str r5, [sp, #52]\n\t" PW_ENTRY PW_PAIR
        "2:\n\t" PW_FIRST("56", "0", "0")
        "ldr r12, [sp, #8]\n\t"
        "ldr r8, [sp, #20]\n\t"
        "add lr, lr, r8\n\t"
        "ldr pc, [sp, #12]\n\t"
        PW_TURNS(QUAD_GROUP, "ldr r8, [sp, #64]\n\t", "r8")
        PW_TAIL(""));
}

/* Group J of a lone pixel's turn: r12 the scratch, lr the quad's words, r0-r3 the sums of
 * filters 0-3: 18 32-bit instructions (72 bytes), 20 est. cycles per 16 multiply-accumulates
 * (a pixel twice took 32). */
#define LONE_GROUP(J)                         \
    "ldr r8, [r12, #16*" #J "]\n\t"           \
    "ldr r9, [r12, #16*" #J "+4]\n\t"         \
    "ldr r4, [lr, #32*" #J "]\n\t"            \
    "ldr r5, [lr, #32*" #J "+4]\n\t"          \
    "ldr r6, [lr, #32*" #J "+8]\n\t"          \
    "ldr r7, [lr, #32*" #J "+12]\n\t"         \
    "smlad r0, r8, r4, r0\n\t"                \
    "smlad r1, r8, r5, r1\n\t"                \
    "smlad r2, r8, r6, r2\n\t"                \
    "smlad r3, r8, r7, r3\n\t"                \
    "ldr r4, [lr, #32*" #J "+16]\n\t"         \
    "ldr r5, [lr, #32*" #J "+20]\n\t"         \
    "ldr r6, [lr, #32*" #J "+24]\n\t"         \
    "ldr r7, [lr, #32*" #J "+28]\n\t"         \
    "smlad r0, r9, r4, r0\n\t"                \
    "smlad r1, r9, r5, r1\n\t"                \
    "smlad r2, r9, r6, r2\n\t"                \
    "smlad r3, r9, r7, r3\n\t"

/* pw_out of sum ra with m2 in r8, pn in r9, zp in r12. */
#define LONE_REQUANT(ra)                      \
    "smmlar " ra ", " ra ", r8, " ra "\n\t"     \
    "add " ra ", " ra ", " ra ", asr #31\n\t"   \
    "smmlsr " ra ", " ra ", r9, r12\n\t"       \
    "ssat " ra ", #8, " ra "\n\t"

/* A pointwise_t's lone pixel (gap 0, widen 0: pixel 0 of the scratch), every quad: 4 sums
 * from the biases, turns of 32 groups over the G, the first entered at skip = (-G) mod 32,
 * the 4 bytes requantized in registers and stored as one word. Frame as PW_FRAME's: 0
 * constants, 4 output, 8 scratch base, 12 entry, 16 zp, 20 32 * skip, 28 filters' end, 64
 * the scratch base's end. */
__attribute__((naked, noinline)) static void pointwise_lone_asm(const pointwise_t *a)
{
    (void)a;
    __asm__ volatile(
        "push {r0, r4-r11, lr}\n\t"
        "sub sp, sp, #72\n\t"
        "ldm r0, {r1-r11}\n\t"
        "str r8, [sp, #0]\n\t"
        "str r9, [sp, #4]\n\t"
        "str r11, [sp, #16]\n\t"
        "rsb r12, r6, #0\n\t"
        "and r12, r12, #31\n\t" /* skip */
        "sub r0, r4, r12, lsl #4\n\t"
        "str r0, [sp, #8]\n\t"
        "add r1, r6, r12\n\t"
        "add r1, r0, r1, lsl #4\n\t"
        "str r1, [sp, #64]\n\t"
        "lsl r1, r12, #5\n\t"
        "str r1, [sp, #20]\n\t"
        "lsl r1, r6, #5\n\t"
        "mla r0, r7, r1, r5\n\t"
        "str r0, [sp, #28]\n\t"
        "adr.w r0, 10f\n\t"
        "mov r1, #72\n\t"
        "mla r0, r12, r1, r0\n\t"
        "orr r0, r0, #1\n\t"
        "str r0, [sp, #12]\n\t"
        "mov lr, r5\n\t"
        "2:\n\t"
        "ldr r11, [sp, #0]\n\t"
        "ldr r12, [sp, #8]\n\t"
        "ldr r10, [sp, #20]\n\t"
        "ldr r0, [r11]\n\t"
        "ldr r1, [r11, #12]\n\t"
        "ldr r2, [r11, #24]\n\t"
        "ldr r3, [r11, #36]\n\t"
        "sub lr, lr, r10\n\t"
        "ldr r10, [sp, #64]\n\t"
        "ldr pc, [sp, #12]\n\t"
        PW_TURNS(LONE_GROUP, "", "r10")
        "ldr r12, [sp, #16]\n\t"
        "ldrd r8, r9, [r11, #4]\n\t" LONE_REQUANT("r0")
        "ldrd r8, r9, [r11, #16]\n\t" LONE_REQUANT("r1")
        "ldrd r8, r9, [r11, #28]\n\t" LONE_REQUANT("r2")
        "ldrd r8, r9, [r11, #40]\n\t" LONE_REQUANT("r3")
        "bfi r0, r1, #8, #8\n\t"
        "bfi r0, r2, #16, #8\n\t"
        "bfi r0, r3, #24, #8\n\t"
        "ldr r8, [sp, #4]\n\t"
        "ldr r10, [sp, #28]\n\t"
        "str r0, [r8], #4\n\t"
        "add r11, r11, #48\n\t"
        "strd r11, r8, [sp]\n\t"
        "cmp lr, r10\n\t"
        "bne 2b\n\t"
        "add sp, sp, #72\n\t"
        "pop {r0, r4-r11, pc}\n\t");
}

#undef LONE_GROUP
#undef LONE_REQUANT

#undef PW_FIXED
#undef PW_FIRST
#undef PW_FIRST_AT
#undef PW_REQUANT8
#undef PW_REQUANT8_BY
#undef PW_FLOOR8
#undef PW_NEXT_PAIR
#undef PW_PROLOGUE
#undef PW_ENTRY
#undef PW_PAIR
#undef PW_PAIR_FIXED
#undef PW_WIDEN2
#undef PW_SPLIT2
#undef PW_SKIP_WIDEN
#undef PW_TAIL
#undef PW_FRAME_SIZE
#undef PW_TURNS

#undef QUAD_GROUP
#undef QUAD_GROUP_AT
#undef PW_REQUANT_ASM
#undef PW_FLOOR_ASM
#endif

#if MICRO_DSP && defined(__GNUC__)
/* The pairs of a pointwise_t (pointwise_g*_asm, pointwise_asm, pointwise_long_asm), or its
 * lone pixel. */
static void quads_pointwise(const pointwise_t *a)
{
    if (a->gap == 0) {
        pointwise_lone_asm(a);
        return;
    }
    /* Only the passes a build keeps (micro/paths.h): the dispatch sends a layer whose pass
     * is dropped to the reference kernel (MICRO_PATH_KEPT), so no call finds none. */
    switch (a->groups) {
    case 2:
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G2)) {
            pointwise_g2_asm(a);
            return;
        }
        break;
    case 4:
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G4) && a->floor != NULL) {
            pointwise_t f = *a;
            f.ch = a->floor;
            pointwise_g4_floor_asm(&f);
            return;
        }
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G4)) {
            pointwise_g4_asm(a);
            return;
        }
        break;
    case 8:
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G8)) {
            pointwise_g8_asm(a);
            return;
        }
        break;
    case 16:
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G16)) {
            pointwise_g16_asm(a);
            return;
        }
        break;
    case 32:
        if (MICRO_PATH_ON(MICRO_PATH_CONV_PW_G32)) {
            pointwise_g32_asm(a);
            return;
        }
        break;
    default:
        break;
    }
    if (a->groups <= 9 ? MICRO_PATH_ON(MICRO_PATH_CONV_PW_SHORT)
                       : MICRO_PATH_ON(MICRO_PATH_CONV_PW_LONG)) {
        (a->groups <= 9 ? pointwise_asm : pointwise_long_asm)(a);
    }
}
#else
/* The pairs of a pointwise_t, widened, each quad's sums requantized by pw_out (by
 * pw_floor_out with layout 4's records at G = 4, as the loops do). */
static void quads_pointwise(const pointwise_t *a)
{
    const int8_t *in = a->in;
    int8_t *out = a->out;
    for (int32_t i = 0; i < a->pairs; ++i, in += 2 * a->depth, out += 2 * a->gap) {
        if (a->widen) {
            widen_pair(a->words, in, a->depth, a->groups);
        }
        const int8_t *w = a->filter;
        for (int32_t o = 0; o < 4 * a->quads; o += 4, w += 32 * a->groups) {
            /* the sums start at the biases of the constants that requantize them */
            const int floor = a->floor != NULL && a->groups == 4;
            const pw_chan_t *k = floor ? a->floor : a->ch;
            int32_t s[8];
            for (int32_t f = 0; f < 4; ++f) {
                s[2 * f] = s[2 * f + 1] = k[o + f].bias;
            }
            dot_4x2(a->words, w, a->groups, s);
            for (int32_t f = 0; f < 4; ++f) {
                if (floor) {
                    const pw_chan_t r = a->floor[o + f];
                    out[o + f] = (int8_t)pw_floor_out(s[2 * f], r.m2, r.pn);
                    out[a->gap + o + f] = (int8_t)pw_floor_out(s[2 * f + 1], r.m2, r.pn);
                    continue;
                }
                const pw_chan_t c = a->ch[o + f];
                out[o + f] = (int8_t)pw_out(s[2 * f], c.m2, c.pn, a->zp);
                out[a->gap + o + f] = (int8_t)pw_out(s[2 * f + 1], c.m2, c.pn, a->zp);
            }
        }
    }
}
#endif

#endif
