/*
 * The stride-2 path's loop over a strip's output columns and its per-channel records
 * (depthwise_conv_s8_dsp_s2.h): on a DSP core s2_mac_R, s2_mono_R and s2_tail_R in
 * assembly and the records by LDM/STM (s2_records_asm, s2_records_tail), elsewhere the same
 * arithmetic in C (s2_mac_c, s2_records). Internal: included by depthwise_conv_s8_dsp_s2.h
 * after the widening (s2_rec_t, s2_block_t, s2_job_t, S2_PAIRS).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_S2_MAC_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_S2_MAC_H
#if MICRO_DSP && defined(__GNUC__) && defined(__thumb2__)
/* The loop in assembly, one function per R (its own prologue: it takes every register).
 * r0 dp: the widened words (channel c's column at dp + 20c, the next input column 80
 * bytes on); r1 kp: the channel's record; r2 o: row 0's output; r3 n: 4 * columns left;
 * r4-r7 a column's pairs P_0..P_R-1 (then P_R in r4 and
 * the record's m2, pn, zp, d1, d2, d3 in r4-r9); r8, r9 a filter column's words;
 * r10-r12, lr the rows' sums. */
#define MICRO_S2_UNUSED __attribute__((unused)) /* the arguments: r0-r3 */
#define S2_STR_(x) #x
#define S2_STR(x) S2_STR_(x)
/* Filter column fx's pairs from dp (then dp to the next filter column or channel, `next`
 * bytes past P_R) and SMLATB rows. */
#define S2_LDM1 "ldm r0!, {r4}\n\t"
#define S2_LDM2 "ldm r0!, {r4, r5}\n\t"
#define S2_LDM3 "ldm r0!, {r4, r5, r6}\n\t"
#define S2_LDM4 "ldm r0!, {r4, r5, r6, r7}\n\t"
/* Rows q: SMLAD P_q.(w0, w1), the first filter column from the bias (in r10). */
#define S2_FIRST1 "smlad r10, r4, r8, r10\n\t"
#define S2_FIRST2 "smlad r11, r5, r8, r10\n\t" S2_FIRST1
#define S2_FIRST3 "smlad r12, r6, r8, r10\n\t" S2_FIRST2
#define S2_FIRST4 "smlad lr, r7, r8, r10\n\t" S2_FIRST3
/* The same with row 2R the zp row: row R - 1 from bias2 (in r11; rows are written from
 * the last up, so r11 is read before row 1 takes it). */
#define S2_FIRSTT1 "smlad r10, r4, r8, r11\n\t"
#define S2_FIRSTT2 "smlad r11, r5, r8, r11\n\t" S2_FIRST1
#define S2_FIRSTT3 "smlad r12, r6, r8, r11\n\t" S2_FIRST2
#define S2_FIRSTT4 "smlad lr, r7, r8, r11\n\t" S2_FIRST3
#define S2_PAIR1 "smlad r10, r4, r8, r10\n\t"
#define S2_PAIR2 S2_PAIR1 "smlad r11, r5, r8, r11\n\t"
#define S2_PAIR3 S2_PAIR2 "smlad r12, r6, r8, r12\n\t"
#define S2_PAIR4 S2_PAIR3 "smlad lr, r7, r8, lr\n\t"
/* Rows q < R - 1: w2 times P_q+1's low half (row 2q + 2); then P_R for row R - 1. */
#define S2_TB1(next) "ldr r4, [r0], #" next "\n\tsmlatb r10, r9, r4, r10\n\t"
#define S2_TB2(next)                                                                      \
    "smlatb r10, r9, r5, r10\n\t"                                                          \
    "ldr r4, [r0], #" next "\n\tsmlatb r11, r9, r4, r11\n\t"
#define S2_TB3(next)                                                                      \
    "smlatb r10, r9, r5, r10\n\t"                                                          \
    "smlatb r11, r9, r6, r11\n\t"                                                          \
    "ldr r4, [r0], #" next "\n\tsmlatb r12, r9, r4, r12\n\t"
#define S2_TB4(next)                                                                      \
    "smlatb r10, r9, r5, r10\n\t"                                                          \
    "smlatb r11, r9, r6, r11\n\t"                                                          \
    "smlatb r12, r9, r7, r12\n\t"                                                          \
    "ldr r4, [r0], #" next "\n\tsmlatb lr, r9, r4, lr\n\t"
/* The same with row 2R the zp row (its products in bias2): no P_R, dp stepped on (by the
 * pairs' load itself for 1 or 2 rows: LDR/LDRD post-indexed, the step past P_R added). */
#define S2_TBT1(next)
#define S2_TBT2(next) "smlatb r10, r9, r5, r10\n\t"
#define S2_TBT3(next) "smlatb r11, r9, r6, r11\n\t" S2_TBT2(next) "add r0, r0, #" next "\n\t"
#define S2_TBT4(next) "smlatb r12, r9, r7, r12\n\t" S2_TBT3(next)
/* A filter column's pairs: LDM (dp on past them), or with row 2R the zp row and 1 or 2
 * rows, LDR/LDRD post-indexed by the pairs and the step to the next filter column. */
#define S2_LD1(next) S2_LDM1
#define S2_LD2(next) S2_LDM2
#define S2_LD3(next) S2_LDM3
#define S2_LD4(next) S2_LDM4
#define S2_LDT1(next) "ldr r4, [r0], #" next "+4\n\t"
#define S2_LDT2(next) "ldrd r4, r5, [r0], #" next "+8\n\t"
#define S2_LDT3(next) S2_LDM3
#define S2_LDT4(next) S2_LDM4
/* pw_out of a sum in place: r4 m2, r5 pn, r6 zp. */
#define S2_RQ(a)                                                                           \
    "smmlar " a ", " a ", r4, " a "\n\t"                                                   \
    "add " a ", " a ", " a ", asr #31\n\t"                                                 \
    "smmlsr " a ", " a ", r5, r6\n\t"                                                      \
    "ssat " a ", #8, " a "\n\t"
#define S2_RQ1 S2_RQ("r10")
#define S2_RQ2 S2_RQ1 S2_RQ("r11")
#define S2_RQ3 S2_RQ2 S2_RQ("r12")
#define S2_RQ4 S2_RQ3 S2_RQ("lr")
/* Rows 1..R-1 at o + d1, d2, d3 (r7-r9); row 0 last, o to the next channel. */
#define S2_ST1 "strb r10, [r2], #1\n\t"
#define S2_ST2 "strb r11, [r2, r7]\n\t" S2_ST1
#define S2_ST3 "strb r12, [r2, r8]\n\t" S2_ST2
#define S2_ST4 "strb lr, [r2, r9]\n\t" S2_ST3

/* One channel of the block at output column: 3 x (LDM/LDRD, LDM, 2R MACs, LDR) + LDM +
 * 4R requantization + stores; `last` is the LDR's step after its filter column 2 (to the
 * next channel's filter column 0). T: empty, or T with row 2R the zp row (no P_R: 3
 * instructions fewer, 6 with 1 or 2 rows, whose pairs' loads step dp on). */
#define S2_CHANNEL(R, COL, last, T)                                                        \
    "ldm r1!, {r8, r9, r10, r11}\n\t" S2_LD##T##R(S2_STR((COL - 4 * R))) S2_FIRST##T##R       \
        S2_TB##T##R(S2_STR((COL - 4 * R)))                                                 \
    "ldrd r8, r9, [r1], #8\n\t" S2_LD##T##R(S2_STR((COL - 4 * R))) S2_PAIR##R                \
        S2_TB##T##R(S2_STR((COL - 4 * R)))                                                 \
    "ldrd r8, r9, [r1], #8\n\t" S2_LD##T##R(S2_STR(last)) S2_PAIR##R S2_TB##T##R(S2_STR(last)) \
    "ldm r1!, {r4, r5, r6, r7, r8, r9}\n\t" S2_RQ##R S2_ST##R

/* The function for R rows: per output column the block's 4 channels in a straight line
 * (the last one's LDR steps dp on to the next output column, 2 input columns on), then
 * the block's step for o (LDR post-indexed: r1 back to the first record) and the count. */
#define S2_MAC(NAME, R, COL, SLOT, T)                                                      \
    __attribute__((naked, noinline)) static void NAME(                                     \
        const uint32_t *col MICRO_S2_UNUSED, const s2_block_t *block MICRO_S2_UNUSED,     \
        int8_t *out MICRO_S2_UNUSED, int32_t n MICRO_S2_UNUSED)                            \
    {                                                                                      \
        __asm__ volatile(                                                                  \
            "push {r4-r11, lr}\n\t"                                                        \
            "1:\n\t" S2_CHANNEL(R, COL, (SLOT - 2 * COL - 4 * R), T)                         \
                S2_CHANNEL(R, COL, (SLOT - 2 * COL - 4 * R), T)                              \
                    S2_CHANNEL(R, COL, (SLOT - 2 * COL - 4 * R), T)                          \
                        S2_CHANNEL(R, COL, (SLOT - 2 * COL - 4 * R + 2 * COL - 4 * SLOT), T) \
            "ldr r4, [r1], #-224\n\t"                                                      \
            "add r2, r2, r4\n\t"                                                           \
            "subs r3, r3, #4\n\t"                                                          \
            "bne 1b\n\t"                                                                   \
            "pop {r4-r11, pc}\n\t");                                                       \
    }
/* 4 channels' columns side by side, one column shared by the block, and the first with
 * row 2R the zp row */
S2_MAC(s2_mac_1, 1, 80, 20, )
S2_MAC(s2_mac_2, 2, 80, 20, )
S2_MAC(s2_mac_3, 3, 80, 20, )
S2_MAC(s2_mac_4, 4, 80, 20, )
S2_MAC(s2_mono_1, 1, 20, 0, )
S2_MAC(s2_mono_2, 2, 20, 0, )
S2_MAC(s2_mono_3, 3, 20, 0, )
S2_MAC(s2_mono_4, 4, 20, 0, )
S2_MAC(s2_tail_1, 1, 80, 20, T)
S2_MAC(s2_tail_2, 2, 80, 20, T)
S2_MAC(s2_tail_3, 3, 80, 20, T)
S2_MAC(s2_tail_4, 4, 80, 20, T)
#undef S2_MAC
#undef S2_CHANNEL
#undef S2_STR_
#undef MICRO_S2_UNUSED
#undef S2_STR
#undef S2_LDM1
#undef S2_LDM2
#undef S2_LDM3
#undef S2_LDM4
#undef S2_LD1
#undef S2_LD2
#undef S2_LD3
#undef S2_LD4
#undef S2_LDT1
#undef S2_LDT2
#undef S2_LDT3
#undef S2_LDT4
#undef S2_FIRST1
#undef S2_FIRST2
#undef S2_FIRST3
#undef S2_FIRST4
#undef S2_FIRSTT1
#undef S2_FIRSTT2
#undef S2_FIRSTT3
#undef S2_FIRSTT4
#undef S2_TBT1
#undef S2_TBT2
#undef S2_TBT3
#undef S2_TBT4
#undef S2_PAIR1
#undef S2_PAIR2
#undef S2_PAIR3
#undef S2_PAIR4
#undef S2_TB1
#undef S2_TB2
#undef S2_TB3
#undef S2_TB4
#undef S2_RQ
#undef S2_RQ1
#undef S2_RQ2
#undef S2_RQ3
#undef S2_RQ4
#undef S2_ST1
#undef S2_ST2
#undef S2_ST3
#undef S2_ST4
#define S2_MAC_ASM 1
#else
#define S2_MAC_ASM 0

/* pw_out (conv_quads_dsp.h's requantization) of one sum. */
static inline int32_t s2_out(int32_t acc, const s2_rec_t *r)
{
    const int32_t y = micro_smmlar(acc, r->m2, acc);
    const int32_t t = (int32_t)((uint32_t)y + (uint32_t)(y >> 31));
    const int32_t v = micro_smmlsr(t, r->pn, r->zp);
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

/* The strip's output columns in C (what s2_mac_R does): rows 1.. at out1 + (q - 1) * row
 * (out1: row 1's byte, out + d1 on the target). */
static void s2_mac_c(int32_t R, int mono, const s2_job_t *job)
{
    const int32_t col_w = mono ? S2_PAIRS : 4 * S2_PAIRS, slot_w = mono ? 0 : S2_PAIRS;
    const s2_block_t *b = job->block;
    const uint32_t *col = job->col;
    int8_t *out = job->out, *out1 = job->out1;
    for (int32_t j = 0; j < job->n / 4; ++j, col += 2 * col_w, out += b->adv, out1 += b->adv) {
        for (int32_t c = 0; c < 4; ++c, ++out, ++out1) {
            const s2_rec_t *r = &b->rec[c];
            int32_t acc[S2_ROWS];
            for (int32_t q = 0; q < R; ++q) {
                acc[q] = r->bias;
            }
            for (int32_t fx = 0; fx < 3; ++fx) {
                const uint32_t *x = col + fx * col_w + c * slot_w;
                const uint32_t wa = fx ? r->w12[2 * fx - 2] : r->w0[0];
                const uint32_t wb = fx ? r->w12[2 * fx - 1] : r->w0[1];
                for (int32_t q = 0; q < R; ++q) {
                    acc[q] = micro_smlad(x[q], wa, acc[q]);
                    acc[q] = micro_smlatb(wb, x[q + 1], acc[q]);
                }
            }
            out[0] = (int8_t)s2_out(acc[0], r);
            for (int32_t q = 1; q < R; ++q) {
                out1[(intptr_t)(q - 1) * job->row] = (int8_t)s2_out(acc[q], r);
            }
        }
    }
}
#endif

#if S2_MAC_ASM
#define MICRO_S2R_UNUSED __attribute__((unused)) /* the arguments: r0-r3 */
/* A record's first 8 words: the 6 filter words (LDM, r6 and r7 skipped) and the bias into
 * r4-r11 (bias2 in r7 is left as it is: read by s2_tail_R only). */
#define S2_HEAD                                                                            \
    "ldm r12!, {r4, r5, r8, r9, r10, r11}\n\t"                                               \
    "ldr r6, [r1], #4\n\t"                                                                  \
    "stm lr!, {r4-r11}\n\t"
/* The same with bias2: the bottom row's 3 weights (the top halves of the (w1, w2) words
 * r5, r9, r11) summed by SADD16 (no overflow: at most 3 * 128), times input_zp, plus the
 * bias; w0 and the bias first (r4 then takes input_zp). */
#define S2_HEAD_TAIL                                                                       \
    "ldm r12!, {r4, r5, r8, r9, r10, r11}\n\t"                                               \
    "ldr r6, [r1], #4\n\t"                                                                  \
    "sadd16 r7, r5, r9\n\t"                                                                 \
    "sadd16 r7, r7, r11\n\t"                                                                \
    "stm lr!, {r4, r5, r6}\n\t"                                                             \
    "ldr r4, [r0, #16]\n\t"                                                                 \
    "smlatb r7, r7, r4, r6\n\t"                                                             \
    "stm lr!, {r7-r11}\n\t"
/* The record's last 6 words: m2, pn and the 4 shared words into r4-r9. */
#define S2_REST                                                                            \
    "ldr r4, [r2], #4\n\t"                                                                  \
    "ldr r5, [r3], #4\n\t"                                                                  \
    "lsl r4, r4, #1\n\t"                                                                    \
    "add r5, r5, #32\n\t"                                                                   \
    "mov r6, #-1\n\t"                                                                       \
    "lsl r5, r6, r5\n\t" /* -2^(32 - e): all ones shifted left by 32 + shift */              \
    "ldm r0, {r6, r7, r8, r9}\n\t"                                                          \
    "stm lr!, {r4-r9}\n\t"

/* The arguments (d, o0, rec, shared) to r12 the block's filter words, r1-r3 its bias,
 * multiplier and shift, lr the records, r0 the shared words (dw_t's w, bias, multiplier,
 * shift: its first 4 words on the target). */
#define S2_ARGS                                                                            \
    "push {r4-r11, lr}\n\t"                                                                 \
    "mov lr, r2\n\t"                                                                        \
    "ldm r0, {r4, r5, r6, r12}\n\t"                                                         \
    "mov r0, r3\n\t"                                                                        \
    "add r2, r6, r1, lsl #2\n\t"                                                            \
    "add r3, r12, r1, lsl #2\n\t"                                                           \
    "add r7, r1, r1, lsl #1\n\t"                                                            \
    "add r1, r5, r1, lsl #2\n\t"                                                            \
    "add r12, r4, r7, lsl #3\n\t" /* 6 words a channel */

/* The block's 4 records (s2_records' fields) of output channels [o0, o0 + 4), 11
 * instructions a record; shared: zp, d[0..2], input_zp. */
__attribute__((naked, noinline)) static void s2_records_asm(const dw_t *d MICRO_S2R_UNUSED,
                                                            int32_t o0 MICRO_S2R_UNUSED,
                                                            s2_rec_t *rec MICRO_S2R_UNUSED,
                                                            const int32_t *shared
                                                                MICRO_S2R_UNUSED)
{
    __asm__ volatile(S2_ARGS S2_HEAD S2_REST S2_HEAD S2_REST S2_HEAD S2_REST S2_HEAD S2_REST
                     "pop {r4-r11, pc}\n\t");
}

/* As s2_records_asm, with bias2 (16 instructions a record). */
__attribute__((naked, noinline)) static void s2_records_tail(const dw_t *d MICRO_S2R_UNUSED,
                                                             int32_t o0 MICRO_S2R_UNUSED,
                                                             s2_rec_t *rec MICRO_S2R_UNUSED,
                                                             const int32_t *shared
                                                                 MICRO_S2R_UNUSED)
{
    __asm__ volatile(S2_ARGS S2_HEAD_TAIL S2_REST S2_HEAD_TAIL S2_REST S2_HEAD_TAIL S2_REST
                         S2_HEAD_TAIL S2_REST "pop {r4-r11, pc}\n\t");
}
#undef S2_ARGS
#undef S2_HEAD
#undef S2_HEAD_TAIL
#undef S2_REST
#undef MICRO_S2R_UNUSED
typedef char s2_rec_is_56_bytes[sizeof(s2_rec_t) == 56 ? 1 : -1]; /* the asm's */
typedef char s2_dw_t_is_as_read[offsetof(dw_t, bias) == 4 && offsetof(dw_t, multiplier) == 8 &&
                                        offsetof(dw_t, shift) == 12
                                    ? 1
                                    : -1];

/* The block's records for output channels [o0, o0 + 4): weights, bias and requantization
 * from the layer; shared: zp, the rows' places d[0..2] (every record of a pass has the
 * same), input_zp; with `tail` (row 2R the zp row) bias2 too. */
static MICRO_ALWAYS_INLINE void s2_records(s2_block_t *b, const dw_t *d, int32_t o0,
                                           const int32_t shared[5], int tail)
{
    if (tail) {
        s2_records_tail(d, o0, b->rec, shared);
    } else {
        s2_records_asm(d, o0, b->rec, shared);
    }
}
#else
/* The block's records for output channels [o0, o0 + 4): weights, bias and requantization
 * from the layer, shared as s2_records_asm's (bias2 left as the bias). A loop per
 * group of fields, each with few values live (one loop spills: 33 instructions a record
 * against 20). */
MICRO_NOINLINE static void s2_records(s2_block_t *b, const dw_t *d, int32_t o0,
                                      const int32_t shared[5], int tail)
{
    (void)tail; /* bias2: the assembly's tail passes' only */
    const uint32_t *w = d->w + (int64_t)o0 * 6;
    s2_rec_t *const rec = b->rec;
#pragma GCC unroll 4
    for (int32_t i = 0; i < 4; ++i, w += 6) {
        uint64_t a, c, e;
        memcpy(&a, w, 8);
        memcpy(&c, w + 2, 8);
        memcpy(&e, w + 4, 8);
        memcpy(rec[i].w0, &a, 8);
        memcpy(rec[i].w12, &c, 8);
        memcpy(rec[i].w12 + 2, &e, 8);
    }
    const int32_t *const bias = d->bias + o0, *const mult = d->multiplier + o0;
    const int32_t *const shift = d->shift + o0;
#pragma GCC unroll 4
    for (int32_t i = 0; i < 4; ++i) {
        rec[i].bias = bias[i];
        rec[i].bias2 = bias[i];
        rec[i].m2 = (int32_t)((uint32_t)mult[i] << 1);
        rec[i].pn = (int32_t)(UINT32_MAX << (32 + shift[i])); /* -2^(32 - e) */
    }
    const int32_t zp = shared[0], d0 = shared[1], d1 = shared[2], d2 = shared[3];
#pragma GCC unroll 4
    for (int32_t i = 0; i < 4; ++i) {
        rec[i].zp = zp;
        rec[i].d[0] = d0;
        rec[i].d[1] = d1;
        rec[i].d[2] = d2;
    }
}

#endif

#endif
