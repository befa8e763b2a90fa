/*
 * The column path's strips in Thumb-2 asm (depthwise_conv_s8_dsp_cols.h): per output
 * column of a strip, the block's channels in turn, each channel's record (rec_t, 48 bytes)
 * read from the stack, its rows' sums formed from the widened columns and requantized in
 * registers, 4 instructions an output (cols_out: SMMLAR, the sign's add, SMMLSR by pn
 * accumulating output_zp, SSAT). Strips of 6, 4, 3 and 2 rows at stride 1, 4 and 2 at
 * stride 2. Internal: included by depthwise_conv_s8_dsp_cols.h after rec_t and block_t.
 *
 * The asm loops take 13 registers besides lr (the channel counter): -O0's frame pointer
 * and -Os leave too few, so those builds run strip_c (the firmware builds the twins at
 * -O2). Registers: a0-a3 (a0-a5 for 6 rows) the rows' sums, x0-x2 a column's pairs, wa,
 * wb its filter column's words, kp the record (then the strip), dp the widened words, o0,
 * o1 rows 0, 1 (the 6-row strip finds row 1 at o0 + rec.up instead).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_STRIPS_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_STRIPS_H

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* strip_t's offsets as the asm reads them (32-bit addresses: end at 20). */
typedef char dw_strip_end_at_20[offsetof(strip_t, end) == 20 && sizeof(uintptr_t) == 4 ? 1 : -1];

/* Record offsets from kp once the channel's first load has moved it past the record:
 * weight words w0-w5 at -44..-24, then m2 -20, pn -16, zp -12, row -8, up -4. */

/* Requantization of rows ra.. with m2 in x0, pn in x1, output_zp in x2 (4 per row). */
#define DW_RQ_LOAD                                                                         \
    "ldr %[x0], [%[kp], #-20]\n\t"                                                         \
    "ldr %[x1], [%[kp], #-16]\n\t"                                                         \
    "ldr %[x2], [%[kp], #-12]\n\t"
#define DW_RQ_MUL(a) "smmlar %[" a "], %[" a "], %[x0], %[" a "]\n\t"
#define DW_RQ_SIGN(a) "add %[" a "], %[" a "], %[" a "], asr #31\n\t"
#define DW_RQ_SHIFT(a) "smmlsr %[" a "], %[" a "], %[x1], %[x2]\n\t"
#define DW_RQ_SAT(a) "ssat %[" a "], #8, %[" a "]\n\t"

/* The 4 rows' requantization and stores; rows 2, 3 at row 1 + row, + 2 row. kp: the
 * next record. */
#define DW_REQUANT4                                                                        \
    DW_RQ_LOAD                                                                             \
    "ldr %[wa], [%[kp], #-8]\n\t"                                                          \
    DW_RQ_MUL("a0") DW_RQ_MUL("a1") DW_RQ_MUL("a2") DW_RQ_MUL("a3")                        \
    DW_RQ_SIGN("a0") DW_RQ_SIGN("a1") DW_RQ_SIGN("a2") DW_RQ_SIGN("a3")                    \
    DW_RQ_SHIFT("a0") DW_RQ_SHIFT("a1") DW_RQ_SHIFT("a2") DW_RQ_SHIFT("a3")                \
    DW_RQ_SAT("a0") DW_RQ_SAT("a1") DW_RQ_SAT("a2") DW_RQ_SAT("a3")                        \
    "strb %[a2], [%[o1], %[wa]]\n\t"                                                       \
    "strb %[a3], [%[o1], %[wa], lsl #1]\n\t"                                               \
    "strb %[a1], [%[o1]], #1\n\t"                                                          \
    "strb %[a0], [%[o0]], #1\n\t"

/* Rows 0-2 of a 3-row pass: requantization and stores (row 2 at row 1 + row). */
#define DW_REQUANT3                                                                        \
    DW_RQ_LOAD                                                                             \
    "ldr %[wa], [%[kp], #-8]\n\t"                                                          \
    DW_RQ_MUL("a0") DW_RQ_MUL("a1") DW_RQ_MUL("a2")                                        \
    DW_RQ_SIGN("a0") DW_RQ_SIGN("a1") DW_RQ_SIGN("a2")                                     \
    DW_RQ_SHIFT("a0") DW_RQ_SHIFT("a1") DW_RQ_SHIFT("a2")                                  \
    DW_RQ_SAT("a0") DW_RQ_SAT("a1") DW_RQ_SAT("a2")                                        \
    "strb %[a2], [%[o1], %[wa]]\n\t"                                                       \
    "strb %[a1], [%[o1]], #1\n\t"                                                          \
    "strb %[a0], [%[o0]], #1\n\t"

/* Rows 0 and 1 of a 2-row pass: requantization and stores. */
#define DW_REQUANT2                                                                        \
    DW_RQ_LOAD                                                                             \
    DW_RQ_MUL("a0") DW_RQ_MUL("a1") DW_RQ_SIGN("a0") DW_RQ_SIGN("a1")                      \
    DW_RQ_SHIFT("a0") DW_RQ_SHIFT("a1") DW_RQ_SAT("a0") DW_RQ_SAT("a1")                    \
    "strb %[a1], [%[o1]], #1\n\t"                                                          \
    "strb %[a0], [%[o0]], #1\n\t"

/* After a column's channels (kp at the strip): the next column, if any (dp short of the
 * strip's end; no count kept in memory). */
#define DW_NEXT_COLUMN                                                                     \
    "ldr %[x0], [%[kp], #20]\n\t"                                                          \
    "ldr %[x1], [%[kp], #4]\n\t"                                                           \
    "ldr %[x2], [%[kp], #16]\n\t"                                                          \
    "ldr %[wa], [%[kp], #12]\n\t"                                                          \
    "ldr lr, [%[kp]]\n\t"                                                                  \
    "add %[o0], %[o0], %[x1]\n\t"                                                          \
    "add %[o1], %[o1], %[x1]\n\t"                                                          \
    "add %[dp], %[dp], %[x2]\n\t"                                                          \
    "sub %[kp], %[kp], %[wa]\n\t"                                                          \
    "cmp %[dp], %[x0]\n\t"                                                                 \
    "bne 1b\n\t"

/* The channel loop's end, then the next column. */
#define DW_LOOP "subs lr, lr, #1\n\tbne 1b\n\t" DW_NEXT_COLUMN

#define DW_STRIP_OPERANDS                                                                  \
    : [a0] "+r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [x0] "=&r"(x0),       \
      [x1] "=&r"(x1), [x2] "=&r"(x2), [wa] "=&r"(wa), [wb] "=&r"(wb), [kp] "+r"(kp),       \
      [dp] "+r"(dp), [o0] "+r"(o0), [o1] "+r"(o1)                                          \
    :                                                                                      \
    : "lr", "cc", "memory"

/* One filter column fx of a channel: its pairs P0-P2 at dp + off, + 4, + 8 (dp already
 * past the channel's column 0), its words at kp + woff (kp past the record). */
#define DW_LOADS(off0, off1, off2, wo0, wo1)                                               \
    "ldr %[x0], [%[dp], #" off0 "]\n\t"                                                    \
    "ldr %[x1], [%[dp], #" off1 "]\n\t"                                                    \
    "ldr %[x2], [%[dp], #" off2 "]\n\t"                                                    \
    "ldr %[wa], [%[kp], #" wo0 "]\n\t"                                                     \
    "ldr %[wb], [%[kp], #" wo1 "]\n\t"
/* The first channel's loads (bias, filter column 0); pw: the channel's column bytes. */
#define DW_FIRST(pw, off1, off2)                                                           \
    "mov lr, %[a0]\n\t"                                                                    \
    "1:\n\t"                                                                               \
    "ldr %[a0], [%[kp]], #48\n\t"                                                          \
    "ldr %[x0], [%[dp]], #" pw "\n\t"                                                      \
    "ldr %[x1], [%[dp], #" off1 "]\n\t"                                                    \
    "ldr %[x2], [%[dp], #" off2 "]\n\t"                                                    \
    "ldr %[wa], [%[kp], #-44]\n\t"                                                         \
    "ldr %[wb], [%[kp], #-40]\n\t"
/* A strip function's locals: the asm's operands (a0: the block's channels on entry). */
#define DW_STRIP_LOCALS                                                                    \
    uint32_t a1, a2, a3, x0, x1, x2, wa, wb;                                               \
    uint32_t a0 = (uint32_t)b->st.k;                                                       \
    const rec_t *kp = b->rec + 4 - b->st.k;                                                \
    const uint32_t *dp = col;                                                              \
    int8_t *o0 = out0, *o1 = out1
/* Stride 1, rows 2q and 2q + 1 from pairs x0 = P(q), x1 = P(q + 1) (wa = (w0, w1), wb =
 * (w1, w2)): row 2q += (r2q, r2q+1).(w0, w1) + w2 r2q+2, row 2q+1 += w0 r2q+1 +
 * (r2q+2, r2q+3).(w1, w2). */
#define DW_S1_ROWS(ra, rb, x0, x1)                                                         \
    "smlad %[" ra "], %[" x0 "], %[wa], %[" ra "]\n\t"                                     \
    "smlatb %[" ra "], %[wb], %[" x1 "], %[" ra "]\n\t"                                    \
    "smlatb %[" rb "], %[" x0 "], %[wa], %[" rb "]\n\t"                                    \
    "smlad %[" rb "], %[" x1 "], %[wb], %[" rb "]\n\t"
#define DW_S1_MACS DW_S1_ROWS("a0", "a1", "x0", "x1") DW_S1_ROWS("a2", "a3", "x1", "x2")

/* A strip at stride 1 on the fast requantization, 4 rows: per channel 66 instructions for
 * 36 MACs. Columns of 3 pairs (48 bytes a column of 4 slots). */
static void strip_s1(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    DW_STRIP_LOCALS;
    __asm__ volatile(DW_FIRST("12", "-8", "-4")
                     "smlatb %[a1], %[x0], %[wa], %[a0]\n\t"
                     "smlad %[a2], %[x1], %[wa], %[a0]\n\t"
                     "smlatb %[a3], %[x1], %[wa], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlad %[a1], %[x1], %[wb], %[a1]\n\t"
                     "smlatb %[a2], %[wb], %[x2], %[a2]\n\t"
                     "smlad %[a3], %[x2], %[wb], %[a3]\n\t"
                     DW_LOADS("36", "40", "44", "-36", "-32") DW_S1_MACS
                     DW_LOADS("84", "88", "92", "-28", "-24") DW_S1_MACS
                     DW_REQUANT4
                     DW_LOOP DW_STRIP_OPERANDS);
}

/* Stride 1, 3 rows (the 4-row columns, pairs P0-P2): filter column fx's MACs. */
#define DW_S1R3                                                                            \
    DW_S1_ROWS("a0", "a1", "x0", "x1")                                                     \
    "smlad %[a2], %[x1], %[wa], %[a2]\n\t"                                                 \
    "smlatb %[a2], %[wb], %[x2], %[a2]\n\t"

/* A 3-row strip at stride 1 (3x3 maps; a last pass of 3 rows): per channel 55
 * instructions for 27 MACs. */
static void strip_s1_3(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    DW_STRIP_LOCALS;
    __asm__ volatile(DW_FIRST("12", "-8", "-4")
                     "smlatb %[a1], %[x0], %[wa], %[a0]\n\t"
                     "smlad %[a2], %[x1], %[wa], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlad %[a1], %[x1], %[wb], %[a1]\n\t"
                     "smlatb %[a2], %[wb], %[x2], %[a2]\n\t"
                     DW_LOADS("36", "40", "44", "-36", "-32") DW_S1R3
                     DW_LOADS("84", "88", "92", "-28", "-24") DW_S1R3
                     DW_REQUANT3
                     DW_LOOP DW_STRIP_OPERANDS);
    (void)a3;
}

/* Stride 1, 2 rows (columns of 2 pairs, 32 bytes): filter column fx's loads and MACs. */
#define DW_S1R2(off0, off1, wo0, wo1)                                                      \
    "ldr %[x0], [%[dp], #" off0 "]\n\t"                                                    \
    "ldr %[x1], [%[dp], #" off1 "]\n\t"                                                    \
    "ldr %[wa], [%[kp], #" wo0 "]\n\t"                                                     \
    "ldr %[wb], [%[kp], #" wo1 "]\n\t"                                                     \
    DW_S1_ROWS("a0", "a1", "x0", "x1")

/* A 2-row strip at stride 1 (a last pass of 1 or 2 rows): per channel 43 instructions for
 * 18 MACs. */
static void strip_s1_2(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    DW_STRIP_LOCALS;
    __asm__ volatile("mov lr, %[a0]\n\t"
                     "1:\n\t"
                     "ldr %[a0], [%[kp]], #48\n\t"
                     "ldr %[x0], [%[dp]], #8\n\t"
                     "ldr %[x1], [%[dp], #-4]\n\t"
                     "ldr %[wa], [%[kp], #-44]\n\t"
                     "ldr %[wb], [%[kp], #-40]\n\t"
                     "smlatb %[a1], %[x0], %[wa], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlad %[a1], %[x1], %[wb], %[a1]\n\t"
                     DW_S1R2("24", "28", "-36", "-32")
                     DW_S1R2("56", "60", "-28", "-24")
                     DW_REQUANT2
                     DW_LOOP DW_STRIP_OPERANDS);
    (void)a2;
    (void)a3;
}

/* Stride 2, rows 0 and 1 of a filter column (pairs P0-P2). */
#define DW_S2R2                                                                            \
    "smlad %[a0], %[x0], %[wa], %[a0]\n\t"                                                 \
    "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"                                                \
    "smlad %[a1], %[x1], %[wa], %[a1]\n\t"                                                 \
    "smlatb %[a1], %[wb], %[x2], %[a1]\n\t"
/* Stride 2: a filter column's pairs P0-P2 (DW_LOADS), then P3-P4 (5 a column). */
#define DW_S2_MACS(off3, off4)                                                             \
    DW_S2R2                                                                                \
    "ldr %[x0], [%[dp], #" off3 "]\n\t"                                                    \
    "ldr %[x1], [%[dp], #" off4 "]\n\t"                                                    \
    "smlad %[a2], %[x2], %[wa], %[a2]\n\t"                                                 \
    "smlatb %[a2], %[wb], %[x0], %[a2]\n\t"                                                \
    "smlad %[a3], %[x0], %[wa], %[a3]\n\t"                                                 \
    "smlatb %[a3], %[wb], %[x1], %[a3]\n\t"

/* A strip at stride 2 (rows) on the fast requantization, 4 rows: per channel 86 est.
 * cycles for 36 MACs. Columns of 5 pairs (80 bytes a column of 4 slots). */
static void strip_s2(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    DW_STRIP_LOCALS;
    __asm__ volatile(DW_FIRST("20", "-16", "-12")
                     "smlad %[a1], %[x1], %[wa], %[a0]\n\t"
                     "smlad %[a2], %[x2], %[wa], %[a0]\n\t"
                     "mov %[a3], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlatb %[a1], %[wb], %[x2], %[a1]\n\t"
                     "ldr %[x0], [%[dp], #-8]\n\t"
                     "ldr %[x1], [%[dp], #-4]\n\t"
                     "smlatb %[a2], %[wb], %[x0], %[a2]\n\t"
                     "smlad %[a3], %[x0], %[wa], %[a3]\n\t"
                     "smlatb %[a3], %[wb], %[x1], %[a3]\n\t"
                     DW_LOADS("60", "64", "68", "-36", "-32") DW_S2_MACS("72", "76")
                     DW_LOADS("140", "144", "148", "-28", "-24") DW_S2_MACS("152", "156")
                     DW_REQUANT4
                     DW_LOOP DW_STRIP_OPERANDS);
}

/* A 2-row strip at stride 2: per channel 4 instructions fewer than before the 4-instruction
 * requantization (53 est. cycles then). */
static void strip_s2_2(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    DW_STRIP_LOCALS;
    __asm__ volatile(DW_FIRST("12", "-8", "-4")
                     "smlad %[a1], %[x1], %[wa], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlatb %[a1], %[wb], %[x2], %[a1]\n\t"
                     DW_LOADS("36", "40", "44", "-36", "-32") DW_S2R2
                     DW_LOADS("84", "88", "92", "-28", "-24") DW_S2R2
                     DW_REQUANT2
                     DW_LOOP DW_STRIP_OPERANDS);
    (void)a2;
    (void)a3;
}

/* Stride 1, 6 rows (columns of 4 pairs, 64 bytes a column of 4 slots): a filter column
 * after the first, pairs P0-P3 at dp + off, + 4, + 8, + 12, words at kp + wo0, wo1.
 * Registers: a0-a5 the rows' sums, x0 and x1 two pairs in turn, no o1. */
#define DW_S1R6(off0, off1, off2, off3, wo0, wo1)                                          \
    "ldr %[x0], [%[dp], #" off0 "]\n\t"                                                    \
    "ldr %[x1], [%[dp], #" off1 "]\n\t"                                                    \
    "ldr %[wa], [%[kp], #" wo0 "]\n\t"                                                     \
    "ldr %[wb], [%[kp], #" wo1 "]\n\t"                                                     \
    DW_S1_ROWS("a0", "a1", "x0", "x1")                                                     \
    "ldr %[x0], [%[dp], #" off2 "]\n\t"                                                    \
    DW_S1_ROWS("a2", "a3", "x1", "x0")                                                     \
    "ldr %[x1], [%[dp], #" off3 "]\n\t"                                                    \
    DW_S1_ROWS("a4", "a5", "x0", "x1")

/* A strip at stride 1 on the fast requantization, 6 rows (6x6 maps in one pass): per
 * channel 94 instructions for 54 MACs. Filter column 0 starts every row's sum from the
 * bias (a0) before row 0 takes its products; P2 passes through a5 before row 5's sum
 * starts. Rows 1-5 lie at o0 + 1 + up + (r - 1) row (up, row: the record's). */
static void strip_s1_6(block_t *b, const uint32_t *col, int8_t *out0, int8_t *out1)
{
    uint32_t a1, a2, a3, a4, a5, x0, x1, wa, wb;
    uint32_t a0 = (uint32_t)b->st.k;
    const rec_t *kp = b->rec + 4 - b->st.k;
    const uint32_t *dp = col;
    int8_t *o0 = out0;
    (void)out1; /* rec.up = out1 - out0 */
    __asm__ volatile("mov lr, %[a0]\n\t"
                     "1:\n\t"
                     "ldr %[a0], [%[kp]], #48\n\t"
                     "ldr %[x0], [%[dp]], #16\n\t"
                     "ldr %[x1], [%[dp], #-12]\n\t"
                     "ldr %[wa], [%[kp], #-44]\n\t"
                     "ldr %[wb], [%[kp], #-40]\n\t"
                     "ldr %[a5], [%[dp], #-8]\n\t"
                     "smlad %[a4], %[a5], %[wa], %[a0]\n\t"
                     "smlatb %[a2], %[wb], %[a5], %[a0]\n\t"
                     "smlad %[a3], %[a5], %[wb], %[a0]\n\t"
                     "smlatb %[a5], %[a5], %[wa], %[a0]\n\t"
                     "smlatb %[a1], %[x0], %[wa], %[a0]\n\t"
                     "smlad %[a0], %[x0], %[wa], %[a0]\n\t"
                     "smlatb %[a0], %[wb], %[x1], %[a0]\n\t"
                     "smlad %[a1], %[x1], %[wb], %[a1]\n\t"
                     "smlad %[a2], %[x1], %[wa], %[a2]\n\t"
                     "smlatb %[a3], %[x1], %[wa], %[a3]\n\t"
                     "ldr %[x0], [%[dp], #-4]\n\t"
                     "smlatb %[a4], %[wb], %[x0], %[a4]\n\t"
                     "smlad %[a5], %[x0], %[wb], %[a5]\n\t"
                     DW_S1R6("48", "52", "56", "60", "-36", "-32")
                     DW_S1R6("112", "116", "120", "124", "-28", "-24")
                     /* requantization: m2 in x0, pn in x1, output_zp in wa */
                     "ldr %[x0], [%[kp], #-20]\n\t"
                     "ldr %[x1], [%[kp], #-16]\n\t"
                     "ldr %[wa], [%[kp], #-12]\n\t"
                     "smmlar %[a0], %[a0], %[x0], %[a0]\n\t"
                     "smmlar %[a1], %[a1], %[x0], %[a1]\n\t"
                     "smmlar %[a2], %[a2], %[x0], %[a2]\n\t"
                     "smmlar %[a3], %[a3], %[x0], %[a3]\n\t"
                     "smmlar %[a4], %[a4], %[x0], %[a4]\n\t"
                     "smmlar %[a5], %[a5], %[x0], %[a5]\n\t"
                     DW_RQ_SIGN("a0") DW_RQ_SIGN("a1") DW_RQ_SIGN("a2")
                     DW_RQ_SIGN("a3") DW_RQ_SIGN("a4") DW_RQ_SIGN("a5")
                     "smmlsr %[a0], %[a0], %[x1], %[wa]\n\t"
                     "smmlsr %[a1], %[a1], %[x1], %[wa]\n\t"
                     "smmlsr %[a2], %[a2], %[x1], %[wa]\n\t"
                     "smmlsr %[a3], %[a3], %[x1], %[wa]\n\t"
                     "smmlsr %[a4], %[a4], %[x1], %[wa]\n\t"
                     "smmlsr %[a5], %[a5], %[x1], %[wa]\n\t"
                     DW_RQ_SAT("a0") DW_RQ_SAT("a1") DW_RQ_SAT("a2")
                     DW_RQ_SAT("a3") DW_RQ_SAT("a4") DW_RQ_SAT("a5")
                     /* stores: x0 row 1 (o0 + up once o0 has stepped: up is one less; a
                      * store right after a load takes a cycle less), then row 3; x1 the
                      * row's bytes */
                     "ldr %[x0], [%[kp], #-4]\n\t"
                     "ldr %[x1], [%[kp], #-8]\n\t"
                     "strb %[a0], [%[o0]], #1\n\t"
                     "add %[x0], %[o0], %[x0]\n\t"
                     "strb %[a1], [%[x0]]\n\t"
                     "strb %[a2], [%[x0], %[x1]]\n\t"
                     "strb %[a3], [%[x0], %[x1], lsl #1]\n\t"
                     "add %[x0], %[x0], %[x1], lsl #1\n\t"
                     "strb %[a4], [%[x0], %[x1]]\n\t"
                     "strb %[a5], [%[x0], %[x1], lsl #1]\n\t"
                     "subs lr, lr, #1\n\t"
                     "bne 1b\n\t"
                     /* the next column, if any (kp at the strip; dp short of its end) */
                     "ldr %[x0], [%[kp], #20]\n\t"
                     "ldr %[x1], [%[kp], #4]\n\t"
                     "ldr %[wa], [%[kp], #16]\n\t"
                     "ldr %[wb], [%[kp], #12]\n\t"
                     "ldr lr, [%[kp]]\n\t"
                     "add %[o0], %[o0], %[x1]\n\t"
                     "add %[dp], %[dp], %[wa]\n\t"
                     "sub %[kp], %[kp], %[wb]\n\t"
                     "cmp %[dp], %[x0]\n\t"
                     "bne 1b\n\t"
                     : [a0] "+r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
                       [a4] "=&r"(a4), [a5] "=&r"(a5), [x0] "=&r"(x0), [x1] "=&r"(x1),
                       [wa] "=&r"(wa), [wb] "=&r"(wb), [kp] "+r"(kp), [dp] "+r"(dp),
                       [o0] "+r"(o0)
                     :
                     : "lr", "cc", "memory");
}
#undef DW_S1R6
#undef DW_REQUANT2
#undef DW_REQUANT3
#undef DW_REQUANT4
#undef DW_RQ_LOAD
#undef DW_RQ_MUL
#undef DW_RQ_SIGN
#undef DW_RQ_SHIFT
#undef DW_RQ_SAT
#undef DW_S1R2
#undef DW_S1R3
#undef DW_S2R2
#undef DW_NEXT_COLUMN
#undef DW_LOOP
#undef DW_STRIP_OPERANDS
#undef DW_LOADS
#undef DW_FIRST
#undef DW_STRIP_LOCALS
#undef DW_S1_ROWS
#undef DW_S1_MACS
#undef DW_S2_MACS
#define DW_COLS_ASM 1
#else
#define DW_COLS_ASM 0
#endif

#endif
