/*
 * The stride-2 path of depthwise_conv_s8_dsp.c: 3x3, no dilation, strides (2, 2), depth
 * multiplier 1 and input channels a multiple of 4, or one input channel and a multiplier
 * a multiple of 4 (person_detect's first layer), filter layout 2 (vertical pairs, written
 * by the compiler: per channel (w0, w1) and (w1, w2) of each filter column, w_fy its row
 * fy), the pointwise path's requantization domain (multiplier in [2^30, 2^31), right
 * shift 1..31, no clamp but int8's). Other layers keep the column path or the tap pairs.
 *
 * A pass computes up to 4 output rows (q = 0..R-1) from input rows 0..2R (relative to its
 * first). Per block of 4 channels and strip of input columns those rows are widened once
 * into int16 on the stack: a channel's column holds the vertical pairs
 *   P_q = (row 2q, row 2q + 1) for q < R, and P_R = (row 2R, anything),
 * 5 words (20 bytes) whatever R, the block's 4 channels side by side (80 bytes a column;
 * with one input channel the block's 4 output channels share one column: 20 bytes).
 * Then per output column, the block's channels in turn, filter column fx (input column
 * 2 * ox + fx) adds to each row q
 *   SMLAD P_q.(w0, w1), then SMLATB (w1, w2).P_q+1: w2 times row 2q + 2
 * (2 instructions, 3 multiply-accumulates), so each widened word serves up to 2 output
 * rows and 2 output columns. The sums are requantized as conv_quads_dsp.h's pw_out does
 * (SMMLAR, the sign's add, SMMLSR by -2^(32 - e) accumulating the zero point, SSAT: 4
 * instructions) from a per-channel record on the stack that the loop reads with LDM.
 * On a DSP core the loop is assembly (s2_mac_R: per output column the block's 4 channels
 * in a straight line, each of 4 rows 54 instructions, 86 est. M4 cycles, for 36
 * multiply-accumulates, then 4 for the column), elsewhere the same arithmetic in C; so is
 * the widening of a pass's last two pairs and row 2R (s2_widen5, one run of columns), and
 * the records (s2_records_asm: LDM/STM, 11 instructions a record). A pass whose row 2R
 * lies below the image (SAME padding on an even input: every stride-2 layer's last pass in
 * vww) neither widens nor reads P_R: its products, input_zp times the filter's bottom row,
 * start row R - 1's sum (bias2; s2_tail_R, 3 instructions a channel and column fewer).
 * Rows 1..R-1 of a pass go to a stack stage and are copied after the pass when they
 * would overlap input the pass (or a later one) still reads (the overlap rule of
 * depthwise_conv_s8.c lets output row oy overwrite input once the pass has read it).
 * On filter layout 3 (depthwise_conv_s8.h; one strip of 4 input channels a block) the
 * compiler has written the records, d included, in the filter itself and the verifier has
 * checked them once (the requantization's domain among them): s2_blocks hands them to the
 * loop in place, with neither s2_requant_ok's check a call nor s2_records a block; a
 * staged pass stages row 0 too when the stage holds its rows (the records' d then hold),
 * else copies each block's records with the stage's d.
 * Internal: included by depthwise_conv_s8_dsp.c (dw_t, the dsp.h helpers).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_S2_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_S2_H

#define S2_ROWS 4      /* output rows a pass */
#define S2_PAIRS 5     /* words of a channel's column: P_0..P_4 */
#define S2_COLS 49 /* input columns of a strip on the stack (24 output columns, vww's widest
                    * stride-2 rows in one strip; 4 times as many with one input channel, a
                    * column of 20 bytes) */
#define S2_STAGE 1152  /* rows 1-3 of a pass on the stack: 3 rows of up to 384 bytes (vww's
                        * and person_detect's stride-2 rows) */
#define S2_ZP_ROW 896 /* input_zp bytes standing for input rows outside the image (vww's and
                       * person_detect's stride-2 rows: 768; with its callees' the frame stays
                       * under 6.6 KB on M4 and M7) */

/* An output channel's record, as s2_mac reads it (14 words; the weights of layout 2). */
typedef struct {
    uint32_t w0[2];     /* filter column 0: (w00, w10), (w10, w20) */
    int32_t bias;       /* the sums start here */
    int32_t bias2;      /* row R - 1's when row 2R is the zp row: bias + input_zp times the
                         * filter's bottom row (s2_tail_R's; the assembly's only) */
    uint32_t w12[4];    /* filter columns 1 and 2 */
    int32_t m2, pn, zp; /* 2 * multiplier, -2^(32 - e), output_zp (pw_out) */
    int32_t d[3];       /* output rows 1, 2, 3 - row 0 (bytes; the stage's when staged) */
} s2_rec_t;

/* A block: its 4 records, then the output pointer's step from a column's last channel to
 * the next column's first (depth - 4). */
typedef struct {
    s2_rec_t rec[4];
    int32_t adv;
} s2_block_t;

/* A strip's loop's operands: the widened strip, the block, row 0's first output,
 * 4 * columns (s2_mac_R's 4 arguments); row 1's and the rows' step (s2_mac_c). */
typedef struct {
    const uint32_t *col;
    const s2_block_t *block;
    int8_t *out;
    int32_t n;
    int8_t *out1;
    int32_t row;
} s2_job_t;

/* 1 if the stride-2 path can run p (on filter layout 2, the requantization aside). */
static int s2_fit(const micro_depthwise_conv_s8_params_t *p)
{
    return p->filter_height == 3 && p->filter_width == 3 && p->dilation_height == 1 &&
           p->dilation_width == 1 && p->stride_height == 2 && p->stride_width == 2 &&
           ((p->depth_multiplier == 1 && p->input_depth % 4 == 0) ||
            (p->input_depth == 1 && p->depth_multiplier % 4 == 0)) &&
           p->output_width >= 1 &&
           (int64_t)p->output_width * p->input_depth * p->depth_multiplier * (S2_ROWS - 1) <=
               S2_STAGE &&
           (int64_t)p->input_width * p->input_depth <= S2_ZP_ROW;
}

/* 1 if p's shape runs on the path with filter layout 3 (the records in place: one strip
 * of 4 input channels a block, s2_blocks'). */
static int s2_records_fit(const micro_depthwise_conv_s8_params_t *p)
{
    return s2_fit(p) && p->depth_multiplier == 1 && p->output_width <= (S2_COLS - 1) / 2;
}

/* Output rows from which the compiler writes layout 2 for the path: from 3 (vww's 3x3x128,
 * whose last input row is the zp row: 57.8 K est. M4 cycles against the tap pairs' 61.3 K);
 * maps of 1 or 2 rows (none in the reference models) stay on the tap pairs, whose passes
 * widen no rows. A layer's strips of fewer rows (a patched plan's) keep the layer's layout
 * and so the path. */
#define S2_MIN_HEIGHT 3

/* 1 if the compiler should write filter layout 2 for p for the path. */
static int s2_ok(const micro_depthwise_conv_s8_params_t *p)
{
    return s2_fit(p) && p->output_height >= S2_MIN_HEIGHT;
}

/* The channels' requantization against pw_out's domain (multiplier in [2^30, 2^31), shift
 * in [-31, -1]) without a branch a channel, as two words: `all` ANDs every m << 1 and s (its
 * bit 31: every multiplier has bit 30 set, every shift is negative), `any` ORs every m and
 * s + 31 modulo 2^32 (its bit 31: some multiplier is negative, or some negative shift is
 * below -31, s + 31 then negative too). In the domain iff bit 31 of all & ~any is set. The
 * path function runs this once a call on every channel (vww's 128: the compares and
 * branches took 9 instructions a channel). */
#if MICRO_DSP && defined(__GNUC__) && defined(__thumb2__)
#define MICRO_S2Q_UNUSED __attribute__((unused)) /* the arguments: r0-r2 */
/* n >= 4 a multiple of 4 channels (every layer of the path: whole quads of output
 * channels): all & ~any. Per 4 channels 2 LDM, 20 ALU instructions and the count: 6 a
 * channel. r3 all, r12 any, r4-r7 4 multipliers then 4 shifts. */
__attribute__((naked, noinline)) static uint32_t
s2_rq_quads(const int32_t *m MICRO_S2Q_UNUSED, const int32_t *s MICRO_S2Q_UNUSED,
            int32_t n MICRO_S2Q_UNUSED)
{
    __asm__ volatile("push {r4-r7}\n\t"
                     "mov r3, #-1\n\t"
                     "mov r12, #0\n\t"
                     "1:\n\t"
                     "ldm r0!, {r4, r5, r6, r7}\n\t"
                     "and r3, r3, r4, lsl #1\n\t"
                     "orr r12, r12, r4\n\t"
                     "and r3, r3, r5, lsl #1\n\t"
                     "orr r12, r12, r5\n\t"
                     "and r3, r3, r6, lsl #1\n\t"
                     "orr r12, r12, r6\n\t"
                     "and r3, r3, r7, lsl #1\n\t"
                     "orr r12, r12, r7\n\t"
                     "ldm r1!, {r4, r5, r6, r7}\n\t"
                     "and r3, r3, r4\n\t"
                     "add r4, r4, #31\n\t"
                     "orr r12, r12, r4\n\t"
                     "and r3, r3, r5\n\t"
                     "add r5, r5, #31\n\t"
                     "orr r12, r12, r5\n\t"
                     "and r3, r3, r6\n\t"
                     "add r6, r6, #31\n\t"
                     "orr r12, r12, r6\n\t"
                     "and r3, r3, r7\n\t"
                     "add r7, r7, #31\n\t"
                     "orr r12, r12, r7\n\t"
                     "subs r2, r2, #4\n\t"
                     "bne 1b\n\t"
                     "bic r0, r3, r12\n\t"
                     "pop {r4-r7}\n\t"
                     "bx lr\n\t");
}
#undef MICRO_S2Q_UNUSED
#define S2_RQ_ASM 1
#else
#define S2_RQ_ASM 0
#endif

/* 1 if every channel's requantization is in pw_out's domain (and the clamp is int8's). */
static int s2_requant_ok(const dw_t *d)
{
    if (d->lo != -128 || d->hi != 127) {
        return 0;
    }
    const int32_t *const m = d->multiplier, *const s = d->shift;
    uint32_t all = 0xFFFFFFFFu, any = 0;
    int32_t i = 0;
#if S2_RQ_ASM
    i = d->depth / 4 * 4;
    if (i > 0) {
        all = s2_rq_quads(m, s, i);
    }
#endif
    for (; i < d->depth; ++i) {
        all &= (uint32_t)m[i] << 1 & (uint32_t)s[i];
        any |= (uint32_t)m[i] | ((uint32_t)s[i] + 31u);
    }
    return (int)((all & ~any) >> 31);
}

/* One pass: rows[i] input row first * 2 - pad_top + i (or the zp row), R output rows. */
typedef struct {
    const int8_t *rows[2 * S2_ROWS + 1];
    int32_t n_rows;
    int32_t tail_zp; /* row 2R is the zp row (4 input channels a block): the assembly
                      * neither widens nor reads P_R, whose products are in bias2 */
    int32_t shared[5]; /* the records' zp, d[0..2] (rows 1-3's places), input_zp */
    int8_t *out, *rows1; /* row 0's first output, row 1's (its place or the stage's) */
} s2_pass_t;

#if MICRO_DSP && defined(__GNUC__) && defined(__thumb2__) && defined(__OPTIMIZE__) &&    \
    !defined(__OPTIMIZE_SIZE__)
#define MICRO_S2W_UNUSED __attribute__((unused)) /* a: r0 */
/* The last row 2k of a pass alone, in the layout of S2_PAIRS words a channel whose row
 * pairs the column path's widen_4rows and widen_2rows write: SXTB16 with rotations 0, 8,
 * 16, 24 puts channel c's byte in the low half of channel c's word (the high half,
 * another channel's, is never read). */
static MICRO_ALWAYS_INLINE void s2_widen1(const int8_t *r, int32_t channels, int32_t n,
                                          uint32_t *buf)
{
    uint32_t x, a, b;
    __asm__ volatile("1:\n\t"
                     "ldr %[x], [%[r]]\n\t"
                     "add %[r], %[r], %[ch]\n\t"
                     "sxtb16 %[a], %[x]\n\t"
                     "sxtb16 %[b], %[x], ror #8\n\t"
                     "str %[a], [%[buf]]\n\t"
                     "str %[b], [%[buf], #20]\n\t"
                     "sxtb16 %[a], %[x], ror #16\n\t"
                     "sxtb16 %[b], %[x], ror #24\n\t"
                     "str %[a], [%[buf], #40]\n\t"
                     "str %[b], [%[buf], #60]\n\t"
                     "add %[buf], %[buf], #80\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b"
                     : [r] "+r"(r), [buf] "+r"(buf), [n] "+r"(n), [x] "=&r"(x), [a] "=&r"(a),
                       [b] "=&r"(b)
                     : [ch] "r"(channels)
                     : "cc", "memory");
}

/* Rows 2k..2k + 4 of a pass in one run (widen_4rows' pairs (2k, 2k + 1), (2k + 2, 2k + 3)
 * and s2_widen1's row 2k + 4: one loop instead of two), as s2_widen5 reads it: r row 2k's
 * first byte, buf pair k's word of the first column, n columns, the column step, rows
 * 2k + 1..2k + 4 at r + d[0..3]. */
typedef struct {
    const int8_t *r;
    uint32_t *buf;
    int32_t n, channels;
    intptr_t d[4];
} s2_rows5_t;

/* Naked: the loop takes 14 registers. r0 r, r1 buf, r2 n, r3 the column step, r4-r7 the
 * rows' offsets; per column row 2k + 4 first (its word into the 4 channels' low halves,
 * as s2_widen1), then the two pairs (widen_4rows' PKHBT/PKHTB, SXTB16 and STRD). */
__attribute__((naked, noinline)) static void s2_widen5(const s2_rows5_t *a MICRO_S2W_UNUSED)
{
    __asm__ volatile("push {r4-r11, lr}\n\t"
                     "ldm r0, {r0, r1, r2, r3, r4, r5, r6, r7}\n\t"
                     "1:\n\t"
                     /* row 2k + 4: channel c's P_k+2 at buf + 20c + 8 */
                     "ldr r8, [r0, r7]\n\t"
                     "sxtb16 r9, r8\n\t"
                     "sxtb16 r10, r8, ror #8\n\t"
                     "str r9, [r1, #8]\n\t"
                     "str r10, [r1, #28]\n\t"
                     "sxtb16 r9, r8, ror #16\n\t"
                     "sxtb16 r10, r8, ror #24\n\t"
                     "str r9, [r1, #48]\n\t"
                     "str r10, [r1, #68]\n\t"
                     /* rows 2k..2k + 3 */
                     "ldr r8, [r0]\n\t"
                     "ldr r9, [r0, r4]\n\t"
                     "ldr r10, [r0, r5]\n\t"
                     "ldr r11, [r0, r6]\n\t"
                     "add r0, r0, r3\n\t"
                     /* r12: channels 0, 1 of rows 2k, 2k + 1; r9: channels 2, 3 */
                     "pkhbt r12, r8, r9, lsl #16\n\t"
                     "pkhtb r9, r9, r8, asr #16\n\t"
                     /* r8: channels 0, 1 of rows 2k + 2, 2k + 3; r11: channels 2, 3 */
                     "pkhbt r8, r10, r11, lsl #16\n\t"
                     "pkhtb r11, r11, r10, asr #16\n\t"
                     "sxtb16 r10, r12\n\t"
                     "sxtb16 lr, r8\n\t"
                     "strd r10, lr, [r1]\n\t"
                     "sxtb16 r10, r12, ror #8\n\t"
                     "sxtb16 lr, r8, ror #8\n\t"
                     "strd r10, lr, [r1, #20]\n\t"
                     "sxtb16 r10, r9\n\t"
                     "sxtb16 lr, r11\n\t"
                     "strd r10, lr, [r1, #40]\n\t"
                     "sxtb16 r10, r9, ror #8\n\t"
                     "sxtb16 lr, r11, ror #8\n\t"
                     "strd r10, lr, [r1, #60]\n\t"
                     "add r1, r1, #80\n\t"
                     "subs r2, r2, #1\n\t"
                     "bne 1b\n\t"
                     "pop {r4-r11, pc}\n\t");
}
#undef MICRO_S2W_UNUSED
#define S2_WIDEN_ASM 1
#else
#define S2_WIDEN_ASM 0
#endif

/* Input columns [ix, ix + n), all inside the image, of input channels [c0, c0 + 4) into
 * buf (the first column's channel 0): pairs 0..R-1 of rows (2q, 2q + 1), then row 2R. */
static MICRO_ALWAYS_INLINE void s2_widen_run(const s2_pass_t *s, int32_t at, int32_t channels,
                                             int32_t n, uint32_t *buf)
{
    const int32_t R = s->n_rows;
#if S2_WIDEN_ASM
    if (s->tail_zp) {
        /* P_R unread (s2_tail_R): the pairs alone, 4 rows a loop */
        int32_t k = 0;
        if (R % 2) {
            widen_2rows(S2_PAIRS, s->rows[0] + at, s->rows[1] - s->rows[0], channels, n, buf);
            k = 1;
        }
        for (; k < R; k += 2) {
            const int8_t *const r = s->rows[2 * k] + at;
            const intptr_t d[3] = {s->rows[2 * k + 1] - s->rows[2 * k],
                                   s->rows[2 * k + 2] - s->rows[2 * k],
                                   s->rows[2 * k + 3] - s->rows[2 * k]};
            widen_4rows(S2_PAIRS, r, d, channels, n, buf + k);
        }
        return;
    }
    if (R == 1) {
        widen_2rows(S2_PAIRS, s->rows[0] + at, s->rows[1] - s->rows[0], channels, n, buf);
        s2_widen1(s->rows[2] + at, channels, n, buf + 1);
        return;
    }
    /* an odd R's first pair alone, then 4 rows a loop; the last two pairs and row 2R in
     * one run (two loops for 3 or 4 rows) */
    int32_t k = 0;
    if (R % 2) {
        widen_2rows(S2_PAIRS, s->rows[0] + at, s->rows[1] - s->rows[0], channels, n, buf);
        k = 1;
    }
    for (; R - k > 2; k += 2) {
        const int8_t *const r = s->rows[2 * k] + at;
        const intptr_t d[3] = {s->rows[2 * k + 1] - s->rows[2 * k],
                               s->rows[2 * k + 2] - s->rows[2 * k],
                               s->rows[2 * k + 3] - s->rows[2 * k]};
        widen_4rows(S2_PAIRS, r, d, channels, n, buf + k);
    }
    const int8_t *const r = s->rows[2 * k];
    const s2_rows5_t a = {r + at, buf + k, n, channels,
                          {s->rows[2 * k + 1] - r, s->rows[2 * k + 2] - r,
                           s->rows[2 * k + 3] - r, s->rows[2 * k + 4] - r}};
    s2_widen5(&a);
#else
    for (int32_t j = 0; j < n; ++j, at += channels, buf += 4 * S2_PAIRS) {
        for (int32_t k = 0; k < R; ++k) {
            const uint32_t xa = micro_read4(s->rows[2 * k] + at);
            const uint32_t xb = micro_read4(s->rows[2 * k + 1] + at);
            const uint32_t lo = micro_pkh_lo(xa, xb), hi = micro_pkh_hi(xa, xb);
            buf[k] = micro_sxtb16(lo);
            buf[S2_PAIRS + k] = micro_sxtb16_hi(lo);
            buf[2 * S2_PAIRS + k] = micro_sxtb16(hi);
            buf[3 * S2_PAIRS + k] = micro_sxtb16_hi(hi);
        }
        const uint32_t x = micro_read4(s->rows[2 * R] + at);
        buf[R] = micro_sxtb16(x);
        buf[S2_PAIRS + R] = micro_sxtb16_hi(x);
        buf[2 * S2_PAIRS + R] = micro_sxtb16(x >> 16);
        buf[3 * S2_PAIRS + R] = micro_sxtb16_hi(x >> 16);
    }
#endif
}

#if S2_WIDEN_ASM
/* s2_widen_run's calls for a pass, found once for all its blocks (whose runs differ only
 * in their first byte, `at`; per block the rows' offsets would be found again after every
 * asm call: 20-40 instructions a block). At most two runs: the first from pair 0 (kind1:
 * 4, widen_4rows; 2, an odd R's first pair, widen_2rows; 1, that and row 2 when R is 1,
 * s2_widen1; 0, none), the second from pair k (kind2: 4, widen_4rows; 5, the last two
 * pairs with row 2R, s2_widen5; `second` holds either's operands, r without `at`, buf
 * pair k's word; 0, none). Kept small: s2_blocks' frame (144 B on M4 and M7) is on vww's
 * and person_detect's deepest stack. */
typedef struct {
    const int8_t *base1; /* the first run's row 0 */
    intptr_t d1[3];      /* its rows 1.. minus its row 0 */
    s2_rows5_t second;   /* r: row 2k's byte 0 (s2_plan_widen adds `at` around s2_widen5) */
    int8_t kind1, kind2;
} s2_plan_t;

static void s2_plan(const s2_pass_t *s, int32_t channels, int32_t n, uint32_t *buf,
                    s2_plan_t *w)
{
    const int32_t R = s->n_rows, tail = s->tail_zp;
    const int8_t *const r = s->rows[0];
    w->base1 = r;
    for (int32_t i = 0; i < 3; ++i) {
        w->d1[i] = s->rows[1 + i] - r;
    }
    /* pair 0 alone (odd R), 4 rows, or nothing (R = 2 with row 2R read: s2_widen5's) */
    w->kind1 = (int8_t)(R % 2 ? (R == 1 && !tail ? 1 : 2) : (R == 4 || tail ? 4 : 0));
    const int32_t k = R % 2 ? 1 : (w->kind1 ? 2 : 0); /* the second run's first pair */
    w->kind2 = (int8_t)(k < R ? (tail ? 4 : 5) : 0);
    const int8_t *const r2 = s->rows[2 * k < 2 * S2_ROWS ? 2 * k : 0];
    w->second.r = r2;
    w->second.buf = buf + k;
    w->second.n = n;
    w->second.channels = channels;
    for (int32_t i = 0; i < 4; ++i) {
        /* rows past 2R are never read (nor past the last of s->rows) */
        const int32_t row = 2 * k + 1 + i;
        w->second.d[i] = s->rows[row <= 2 * S2_ROWS ? row : 2 * S2_ROWS] - r2;
    }
}

/* The plan's calls for the block whose first byte in each row is at (its n columns into
 * buf, the plan's). */
static MICRO_ALWAYS_INLINE void s2_plan_widen(s2_plan_t *w, int32_t at, int32_t channels,
                                              int32_t n, uint32_t *buf)
{
    const int8_t *const r = w->base1 + at;
    if (w->kind1 == 4) {
        widen_4rows(S2_PAIRS, r, w->d1, channels, n, buf);
    } else if (w->kind1) {
        widen_2rows(S2_PAIRS, r, w->d1[0], channels, n, buf);
        if (w->kind1 == 1) {
            s2_widen1(r + w->d1[1], channels, n, buf + 1);
        }
    }
    if (w->kind2 == 4) {
        widen_4rows(S2_PAIRS, w->second.r + at, w->second.d, channels, n, w->second.buf);
    } else if (w->kind2 == 5) {
        /* s2_widen5 reads r from the struct: set for the block, then put back */
        w->second.r += at;
        s2_widen5(&w->second);
        w->second.r -= at;
    }
}
#endif

/* n columns of the strip (4 channels' words each) of input_zp words zz. */
static void s2_zp_columns(uint32_t *buf, int32_t n, uint32_t zz)
{
    for (int32_t j = 0; j < n; ++j, buf += 4 * S2_PAIRS) {
#pragma GCC unroll 20
        for (int32_t k = 0; k < 4 * S2_PAIRS; ++k) {
            buf[k] = zz;
        }
    }
}

/* The strip's nc input columns from ix0: [a, b) lie inside the image (a returned, b in *b);
 * the others get input_zp words (unless `zp_kept`: the buffer holds them from a strip of
 * the same columns). */
static MICRO_ALWAYS_INLINE int32_t s2_edges(const micro_depthwise_conv_s8_params_t *p,
                                            int32_t ix0, int32_t nc, int zp_kept,
                                            uint32_t *buf, int32_t *b_out)
{
    const int32_t a = ix0 < 0 ? (-ix0 < nc ? -ix0 : nc) : 0;
    int32_t b = p->input_width - ix0;
    b = b < a ? a : (b > nc ? nc : b);
    if (!zp_kept) {
        const uint32_t zz = micro_sxtb16(((uint32_t)p->input_zp & 0xFFu) * 0x01010101u);
        s2_zp_columns(buf, a, zz);
        s2_zp_columns(buf + b * 4 * S2_PAIRS, nc - b, zz);
    }
    *b_out = b;
    return a;
}

/* The strip's nc input columns from ix0 (input channels [c0, c0 + 4)): input_zp words for
 * the columns outside the image (s2_edges), the others widened. */
static void s2_widen(const micro_depthwise_conv_s8_params_t *p, const s2_pass_t *s, int32_t c0,
                     int32_t ix0, int32_t nc, int zp_kept, uint32_t *buf)
{
    int32_t b;
    const int32_t a = s2_edges(p, ix0, nc, zp_kept, buf, &b);
    if (b > a) {
        s2_widen_run(s, (ix0 + a) * p->input_depth + c0, p->input_depth, b - a,
                     buf + a * 4 * S2_PAIRS);
    }
}

/* As s2_widen with one input channel, the block's one column per input column (5 words,
 * 20 bytes): each pair from two bytes. */
static void s2_widen_mono(const micro_depthwise_conv_s8_params_t *p, const s2_pass_t *s,
                          int32_t ix0, int32_t nc, uint32_t *buf)
{
    const uint32_t zz = micro_sxtb16(((uint32_t)p->input_zp & 0xFFu) * 0x01010101u);
    const int32_t R = s->n_rows, width = p->input_width;
    for (int32_t j = 0, ix = ix0; j < nc; ++j, ++ix, buf += S2_PAIRS) {
        if (ix < 0 || ix >= width) {
            for (int32_t k = 0; k <= R; ++k) {
                buf[k] = zz;
            }
            continue;
        }
        for (int32_t k = 0; k < R; ++k) {
            buf[k] = (uint32_t)(uint16_t)s->rows[2 * k][ix] |
                     (uint32_t)(int32_t)s->rows[2 * k + 1][ix] << 16;
        }
        buf[R] = (uint32_t)(int32_t)s->rows[2 * R][ix];
    }
}

#include "depthwise_conv_s8_dsp_s2_mac.h"

#if MICRO_DSP && defined(__GNUC__) && defined(__thumb2__)
#define MICRO_S2C_UNUSED __attribute__((unused)) /* the arguments: r0-r2 */
/* n > 0 bytes, a multiple of 32, from word-aligned src to word-aligned dst: 8 words a
 * LDM/STM (4 instructions for 32 bytes; the C loop takes 11 for 16). */
__attribute__((naked, noinline)) static void s2_copy32(int8_t *dst MICRO_S2C_UNUSED,
                                                       const int8_t *src MICRO_S2C_UNUSED,
                                                       int32_t n MICRO_S2C_UNUSED)
{
    __asm__ volatile("push {r4-r10}\n\t"
                     "1:\n\t"
                     "ldm r1!, {r3-r10}\n\t"
                     "stm r0!, {r3-r10}\n\t"
                     "subs r2, r2, #32\n\t"
                     "bne 1b\n\t"
                     "pop {r4-r10}\n\t"
                     "bx lr\n\t");
}
#undef MICRO_S2C_UNUSED
#define S2_COPY_ASM 1
#else
#define S2_COPY_ASM 0
#endif

/* n bytes from the stage to their rows, 4 words at a time (then micro_copy_run's); on a
 * DSP core 8 words a LDM/STM when both ends are word-aligned. */
static void s2_copy(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
#if S2_COPY_ASM
    if ((((uintptr_t)dst | (uintptr_t)src) & 3u) == 0 && n >= 32) {
        i = n / 32 * 32;
        s2_copy32(dst, src, i);
    }
#endif
    for (; i + 16 <= n; i += 16) {
        const uint32_t a = micro_read4(src + i), b = micro_read4(src + i + 4);
        const uint32_t c = micro_read4(src + i + 8), e = micro_read4(src + i + 12);
        memcpy(dst + i, &a, sizeof a);
        memcpy(dst + i + 4, &b, sizeof b);
        memcpy(dst + i + 8, &c, sizeof c);
        memcpy(dst + i + 12, &e, sizeof e);
    }
    micro_copy_run(dst + i, src + i, n - i);
}

/* The strip's loop for the pass: s2_mac_R, s2_mono_R or s2_tail_R (s2_mac_c in C). */
static MICRO_ALWAYS_INLINE void s2_mac(const s2_pass_t *s, int mono, const s2_job_t *job)
{
#if S2_MAC_ASM
    static void (*const mac[3][4])(const uint32_t *, const s2_block_t *, int8_t *, int32_t) = {
        {s2_mac_1, s2_mac_2, s2_mac_3, s2_mac_4},
        {s2_mono_1, s2_mono_2, s2_mono_3, s2_mono_4},
        {s2_tail_1, s2_tail_2, s2_tail_3, s2_tail_4}};
    mac[mono ? 1 : 2 * s->tail_zp][s->n_rows - 1](job->col, job->block, job->out, job->n);
#else
    s2_mac_c(s->n_rows, mono, job);
#endif
}

/* A block of filter layout 3 onto the stack with the pass's d (shared[1..3]). */
static void s2_records_staged(s2_block_t *b, const s2_block_t *fixed, const int32_t shared[5])
{
    memcpy(b, fixed, sizeof *b);
#pragma GCC unroll 4
    for (int32_t i = 0; i < 4; ++i) {
        memcpy(b->rec[i].d, shared + 1, sizeof b->rec[i].d);
    }
}

/* A pass's blocks when its output columns make one strip (4 input channels a block, job
 * the first block's): the run of columns inside the image found once, the input_zp
 * columns written before the first block (unless `zp_kept` from an earlier pass). Few
 * values live, so the block loop keeps them in registers (the general loop below, with
 * s2_run's values around it, spills: 70-80 instructions a block more on vww's layers). */
MICRO_NOINLINE static void s2_blocks(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                                     const s2_pass_t *s, int zp_kept, s2_block_t *block,
                                     const s2_block_t *fixed, uint32_t *buf)
{
    const int32_t ix0 = -p->pad_left;
    int32_t b;
    const int32_t a = s2_edges(p, ix0, 2 * p->output_width + 1, zp_kept, buf, &b);
    const int32_t at = (ix0 + a) * p->input_depth;
    uint32_t *const run = buf + a * 4 * S2_PAIRS;
    s2_job_t job = {buf, block, s->out, 4 * p->output_width, s->rows1,
                    p->output_width * d->depth};
#if S2_WIDEN_ASM
    s2_plan_t w;
    s2_plan(s, p->input_depth, b - a, run, &w);
#endif
    /* Filter layout 3: the records in place when rows 1.. go to their places (the records'
     * d), else copied with the stage's d. */
    const int in_place = fixed && (s->n_rows == 1 || s->rows1 == s->out + job.row);
    for (int32_t o0 = 0; o0 < d->depth; o0 += 4, job.out += 4, job.out1 += 4) {
        if (in_place) {
            job.block = fixed + o0 / 4;
        } else if (fixed) {
            s2_records_staged(block, fixed + o0 / 4, s->shared);
        } else {
            s2_records(block, d, o0, s->shared, s->tail_zp);
        }
        if (b > a) {
#if S2_WIDEN_ASM
            s2_plan_widen(&w, at + o0, p->input_depth, b - a, run);
#else
            s2_widen_run(s, at + o0, p->input_depth, b - a, run);
#endif
        }
        s2_mac(s, 0, &job);
    }
}

/* A pass's blocks in strips of output columns, the others (one input channel, or more than
 * a strip's output columns). */
MICRO_NOINLINE static void s2_strips(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                                     const s2_pass_t *s, s2_block_t *block, uint32_t *buf)
{
    const int32_t out_w = p->output_width, depth = d->depth, row_out = out_w * depth;
    const int mono = p->input_depth == 1; /* the block's channels share input channel 0 */
    const int32_t per = ((mono ? 4 * S2_COLS : S2_COLS) - 1) / 2; /* a strip's output columns */
    /* one strip with one input channel: every block reads the same widened words */
    const int widen_once = mono && out_w <= per;
    for (int32_t o0 = 0; o0 < depth; o0 += 4) {
        s2_records(block, d, o0, s->shared, s->tail_zp);
        for (int32_t ox0 = 0; ox0 < out_w; ox0 += per) {
            const int32_t n = out_w - ox0 < per ? out_w - ox0 : per;
            if (!mono) {
                s2_widen(p, s, o0, 2 * ox0 - p->pad_left, 2 * n + 1, 0, buf);
            } else if (o0 == 0 || !widen_once) {
                s2_widen_mono(p, s, 2 * ox0 - p->pad_left, 2 * n + 1, buf);
            }
            const int64_t at = (int64_t)ox0 * depth + o0;
            const s2_job_t job = {buf, block, s->out + at, 4 * n, s->rows1 + at, row_out};
            s2_mac(s, mono, &job);
        }
    }
}

/* The zp row (input_zp bytes for rows outside the image), written where a pass reads it:
 * the rows outside the image come first (the top padding) or in the last pass, which
 * reads rows 0..2R (0..2R-1 when the assembly's widening leaves row 2R, below the image,
 * to bias2). A word at a time (the C library's memset goes a byte at a time); none of
 * vww's layers reads it. Out of s2_run: its frame is the path's deepest. */
MICRO_NOINLINE static void s2_zp_row(const micro_depthwise_conv_s8_params_t *p, int mono,
                                     uint32_t *words)
{
    const int32_t out_h = p->output_height;
    const int32_t oy_last = (out_h - 1) / S2_ROWS * S2_ROWS, r_last = out_h - oy_last;
    const int32_t below = 2 * oy_last - p->pad_top + 2 * r_last; /* its row 2R */
    const int tail_last = !mono && S2_WIDEN_ASM && below >= p->input_height;
    if (p->pad_top > 0 || below - tail_last >= p->input_height) {
        const uint32_t zz = ((uint32_t)p->input_zp & 0xFFu) * 0x01010101u;
        const int32_t n = (int32_t)(((int64_t)p->input_width * p->input_depth + 3) / 4);
#pragma GCC unroll 4
        for (int32_t k = 0; k < n; ++k) {
            words[k] = zz;
        }
    }
}

/* Every pass of the layer (on the requantization s2_requant_ok accepts, or filter layout 3's
 * records, `fixed`, whose shape s2_records_fit accepts: s2_blocks' passes only). */
MICRO_NOINLINE static void s2_run(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                                  const s2_block_t *fixed, const int8_t *input, int8_t *output)
{
    const int32_t height = p->input_height, out_h = p->output_height, out_w = p->output_width;
    const int32_t depth = d->depth;
    const int64_t row_in = (int64_t)p->input_width * p->input_depth;
    const int32_t row_out = out_w * depth;
    const int mono = p->input_depth == 1; /* the block's channels share input channel 0 */
    const int32_t per = (S2_COLS - 1) / 2; /* a strip's output columns (4 input channels) */
    /* one strip: its input_zp columns stay from the first pass on */
    int zp_kept = 0;
    uint32_t buf[S2_COLS * 4 * S2_PAIRS];
    uint32_t stage_words[S2_STAGE / 4]; /* word-aligned for s2_copy */
    int8_t *const stage = (int8_t *)stage_words;
    uint32_t zp_words[S2_ZP_ROW / 4];
    const int8_t *const zp_row = (const int8_t *)zp_words;
    s2_block_t block;
    block.adv = depth - 4;
    s2_zp_row(p, mono, zp_words);
    const uintptr_t in_end = (uintptr_t)input + (uintptr_t)(p->batches * height * row_in);
    for (int32_t bt = 0; bt < p->batches; ++bt) {
        const int8_t *image = input + (int64_t)bt * height * row_in;
        int8_t *out = output + (int64_t)bt * out_h * row_out;
        for (int32_t oy = 0; oy < out_h; oy += S2_ROWS, out += S2_ROWS * row_out) {
            s2_pass_t s;
            for (int32_t i = 0; i < 2 * S2_ROWS + 1; ++i) {
                const int32_t r = 2 * oy - p->pad_top + i;
                s.rows[i] = r >= 0 && r < height ? image + r * row_in : zp_row;
            }
            s.n_rows = out_h - oy < S2_ROWS ? out_h - oy : S2_ROWS;
            s.tail_zp = !mono && s.rows[2 * s.n_rows] == zp_row;
            /* Rows 1.. go straight to their place when they lie apart from the input the
             * pass and the later ones read (from its first row on), else to the stage. */
            const int32_t first = 2 * oy - p->pad_top > 0 ? 2 * oy - p->pad_top : 0;
            const uintptr_t written = (uintptr_t)(out + (int64_t)s.n_rows * row_out);
            const int apart = written <= (uintptr_t)(image + first * row_in) ||
                              (uintptr_t)out >= in_end;
            /* With layout 3's records (whose d are the rows' places from row 0) a staged
             * pass stages row 0 too when the stage holds its rows, so that the records
             * stay in place. */
            const int whole = fixed && !apart && s.n_rows > 1 &&
                              s.n_rows * row_out <= S2_STAGE;
            int8_t *const out0 = whole ? stage : out;
            int8_t *const rows1 = apart || whole ? out0 + row_out : stage;
            /* rows 1-3's places minus row 0's (32-bit wrap-around on the target) */
            const uint32_t d1 = (uint32_t)((uintptr_t)rows1 - (uintptr_t)out0);
            s.shared[0] = d->zp;
            s.shared[1] = (int32_t)d1;
            s.shared[2] = (int32_t)(d1 + (uint32_t)row_out);
            s.shared[3] = (int32_t)(d1 + 2u * (uint32_t)row_out);
            s.shared[4] = p->input_zp;
            s.out = out0;
            s.rows1 = rows1;
            if (!mono && out_w <= per) {
                s2_blocks(p, d, &s, zp_kept, &block, fixed, buf);
                zp_kept = 1;
            } else {
                s2_strips(p, d, &s, &block, buf);
            }
            if (whole) {
                s2_copy(out, stage, s.n_rows * row_out);
            } else if (s.n_rows > 1 && !apart) {
                s2_copy(out + row_out, stage, (s.n_rows - 1) * row_out);
            }
        }
    }
}

#endif
