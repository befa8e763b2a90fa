/*
 * The 3x3 path of depthwise_conv_s8_dsp.c (no dilation, strides 1 or 2, rows of at least
 * DW_COLS_MIN_WIDTH outputs and at most DW_ROW_MAX bytes, input rows of at most DW_ZP_ROW
 * bytes): passes of several output rows on vertical tap pairs, rows 1.. of a pass held on
 * the stack until the pass has read its input when the output overlaps the input (so it
 * may overlap as closely as with one row a pass). At stride 1 on the fast requantization a
 * pass has 6, 4, 3 or 2 rows (pass_rows: a 6x6 map in one pass, a 3x3 map in a pass of 3,
 * 25 rows as 6 + 6 + 6 + 4 + 3); else 4 (2 for a last pass of one or two rows at stride 2
 * on the fast requantization). Per block of 4 output channels and strip of columns, the
 * pass's input rows (a row of input_zp bytes outside the image) are widened once into
 * int16 columns on the stack, a channel's column holding its rows as the pairs (r0, r1),
 * (r2, r3), ... Then, per output column, the block's channels in turn: a channel's 9
 * weights are the 6 words (w0, w1) and (w1, w2) of each filter column (w_fy: its row fy;
 * filter layout 2, written by the compiler), read with its bias and requantization
 * constants from a record on the stack, and per input column 4 multiply-accumulates for
 * 2 rows at stride 1, 2 for 1 at stride 2:
 *   stride 1, rows 2q and 2q + 1 (pairs q, q + 1 of the column):
 *     SMLAD (r2q, r2q+1).(w0, w1), SMLATB w2.r2q+2
 *     SMLATB r2q+1.w0, SMLAD (r2q+2, r2q+3).(w1, w2)
 *   stride 2, row q:  SMLAD (r2q, r2q+1).(w0, w1), SMLATB w2.r2q+2
 * so a widened word serves up to 3 output columns and 2 output rows, and the channel's
 * outputs in the pass are requantized together (one load of its constants for its rows;
 * the strips' asm: depthwise_conv_s8_dsp_strips.h). A 3x3 map's pass keeps a channel's
 * weights in registers over the whole map instead (depthwise_conv_s8_dsp_tiny.h).
 * Internal: included by depthwise_conv_s8_dsp.c (dw_t, the dsp.h helpers).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_COLS_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_COLS_H

/* Rows of 3 outputs or more (kws's 5 columns: 3.3 instructions per MAC on the emulated
 * M4F against 3.7 on the tap-pair loop with the earlier column loop). */
#define DW_COLS_MIN_WIDTH 3
#define DW_COLS_ROWS 6  /* output rows of a pass at most (4 at stride 2) */
#define DW_COL_MAX 5    /* pairs of a column: stride 2 reads input rows 0-8 (and 9) */
#define DW_COL_WORDS 416 /* widened words on the stack (1,664 B): 26 columns of 4 pairs, so
                          * a 24-wide map's rows are one strip at stride 1 */
#define DW_ROW_MAX 768   /* output row bytes at most */
#define DW_STAGE (3 * DW_ROW_MAX) /* the stack's rows 1.. of a pass (bytes): 3 rows of
                                   * 768, or 5 of up to 460 */
#define DW_ZP_ROW 1024 /* input_zp bytes standing for rows outside the image: a row at most */

/* One pass: output rows oy to oy + n_rows - 1 (out: row oy) of a batch's image. */
typedef struct {
    const int8_t *rows[2 * DW_COL_MAX]; /* input row oy * stride - pad_top + i (or zp row) */
    int8_t *out, *stage; /* row oy; rows oy + 1.. (on the stack unless the output is apart
                          * from the input and the pass fills its strip's rows) */
    int32_t n_rows, row_out;             /* 1..DW_COLS_ROWS; output row bytes */
} pass_t;

/* An output channel's record, as the asm reads it (48 bytes). */
typedef struct {
    int32_t bias;
    uint32_t w[6];       /* filter layout 2's words */
    int32_t m2, pn, zp;  /* the fast requantization (cols_out) */
    int32_t row;         /* output row bytes: row r + 1 lies this far past row r (r >= 1) */
    uint32_t up;         /* row 1's first byte - row 0's - 1, modulo 2^32 (6-row strip) */
} rec_t;
typedef char dw_rec_is_48_bytes[sizeof(rec_t) == 48 ? 1 : -1]; /* the asm's offsets */

/* A strip's state, right after its block's last record (where the asm's record pointer
 * ends a column). */
typedef struct {
    int32_t k;    /* output channels of the block, 1..4 */
    int32_t adv;  /* depth - k: the output pointers' step from a column's end to the next */
    int32_t n;    /* output columns (strip_c's count) */
    int32_t back; /* k * sizeof(rec_t) */
    int32_t skip; /* bytes from a column's last channel to the next output column's first */
    uintptr_t end; /* the widened words' address past the strip's last column (the asm's
                    * column loop runs until its pointer reaches it) */
} strip_t;

typedef struct {
    rec_t rec[4]; /* a block of k channels uses the last k */
    strip_t st;
} block_t;

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* One column of widen_4rows: rows 2k..2k + 3 of its 4 channels into their slots, channel
 * 0's pair words last, stored with buf's step to the next column (post-indexed). */
#define DW_WIDEN_COLUMN                                                                    \
    "ldr %[xa], [%[r]]\n\t"                                                                \
    "ldr %[xb], [%[r], %[d1]]\n\t"                                                         \
    "ldr %[xc], [%[r], %[d2]]\n\t"                                                         \
    "ldr %[xd], [%[r], %[d3]]\n\t"                                                         \
    "add %[r], %[r], %[ch]\n\t"                                                            \
    /* t: channels 0, 1 of rows 2k, 2k + 1; xb: channels 2, 3 */                           \
    "pkhbt %[t], %[xa], %[xb], lsl #16\n\t"                                                \
    "pkhtb %[xb], %[xb], %[xa], asr #16\n\t"                                               \
    /* xa: channels 0, 1 of rows 2k + 2, 2k + 3; xd: channels 2, 3 */                      \
    "pkhbt %[xa], %[xc], %[xd], lsl #16\n\t"                                               \
    "pkhtb %[xd], %[xd], %[xc], asr #16\n\t"                                               \
    "sxtb16 %[xc], %[t], ror #8\n\t"                                                       \
    "sxtb16 %[u], %[xa], ror #8\n\t"                                                       \
    "strd %[xc], %[u], [%[buf], %[o1]]\n\t"                                                \
    "sxtb16 %[xc], %[xb]\n\t"                                                              \
    "sxtb16 %[u], %[xd]\n\t"                                                               \
    "strd %[xc], %[u], [%[buf], %[o2]]\n\t"                                                \
    "sxtb16 %[xc], %[xb], ror #8\n\t"                                                      \
    "sxtb16 %[u], %[xd], ror #8\n\t"                                                       \
    "strd %[xc], %[u], [%[buf], %[o3]]\n\t"                                                \
    "sxtb16 %[xc], %[t]\n\t"                                                               \
    "sxtb16 %[u], %[xa]\n\t"                                                               \
    "strd %[xc], %[u], [%[buf]], %[o4]\n\t"

/* widen_quad's pairs (k, k + 1) of a run of n >= 1 columns inside the image, in asm (13
 * registers: guarded as the strip loops below), four columns a turn after the n % 4 first
 * ones (one, then two). r: row 2k at the first column's quad, d[i]: row 2k + i's bytes -
 * r's (i = 1..3); buf: the column's pair k of channel 0. */
static MICRO_ALWAYS_INLINE void widen_4rows(int R2, const int8_t *r, const intptr_t d[3],
                                            int32_t channels, int32_t n, uint32_t *buf)
{
    uint32_t xa, xb, xc, xd, t, u;
    __asm__ volatile("tst %[n], #1\n\t"
                     "beq 1f\n\t"
                     DW_WIDEN_COLUMN
                     "1:\n\t"
                     "tst %[n], #2\n\t"
                     "beq 2f\n\t"
                     DW_WIDEN_COLUMN
                     DW_WIDEN_COLUMN
                     "2:\n\t"
                     "bics %[n], %[n], #3\n\t"
                     "beq 4f\n\t"
                     "3:\n\t"
                     DW_WIDEN_COLUMN
                     DW_WIDEN_COLUMN
                     DW_WIDEN_COLUMN
                     DW_WIDEN_COLUMN
                     "subs %[n], %[n], #4\n\t"
                     "bne 3b\n\t"
                     "4:"
                     : [r] "+r"(r), [buf] "+r"(buf), [n] "+r"(n), [xa] "=&r"(xa),
                       [xb] "=&r"(xb), [xc] "=&r"(xc), [xd] "=&r"(xd), [t] "=&r"(t),
                       [u] "=&r"(u)
                     : [ch] "r"(channels), [d1] "r"(d[0]), [d2] "r"(d[1]), [d3] "r"(d[2]),
                       [o1] "i"(4 * R2), [o2] "i"(8 * R2), [o3] "i"(12 * R2), [o4] "i"(16 * R2)
                     : "cc", "memory");
}
#undef DW_WIDEN_COLUMN

/* As widen_4rows, one pair (rows 2k, 2k + 1). */
static MICRO_ALWAYS_INLINE void widen_2rows(int R2, const int8_t *r, intptr_t d1,
                                            int32_t channels, int32_t n, uint32_t *buf)
{
    uint32_t xa, xb, t, u;
    __asm__ volatile("1:\n\t"
                     "ldr %[xb], [%[r], %[d1]]\n\t"
                     "ldr %[xa], [%[r]]\n\t"
                     "add %[r], %[r], %[ch]\n\t"
                     "pkhbt %[t], %[xa], %[xb], lsl #16\n\t"
                     "pkhtb %[xb], %[xb], %[xa], asr #16\n\t"
                     "sxtb16 %[xa], %[t]\n\t"
                     "sxtb16 %[u], %[t], ror #8\n\t"
                     "str %[xa], [%[buf]]\n\t"
                     "str %[u], [%[buf], %[o1]]\n\t"
                     "sxtb16 %[xa], %[xb]\n\t"
                     "sxtb16 %[u], %[xb], ror #8\n\t"
                     "str %[xa], [%[buf], %[o2]]\n\t"
                     "str %[u], [%[buf], %[o3]]\n\t"
                     "add %[buf], %[buf], %[o4]\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b"
                     : [r] "+r"(r), [buf] "+r"(buf), [n] "+r"(n), [xa] "=&r"(xa),
                       [xb] "=&r"(xb), [t] "=&r"(t), [u] "=&r"(u)
                     : [ch] "r"(channels), [d1] "r"(d1), [o1] "i"(4 * R2), [o2] "i"(8 * R2),
                       [o3] "i"(12 * R2), [o4] "i"(16 * R2)
                     : "cc", "memory");
}

/* The columns [0, n) of widen_quad's run, pairs [0, pairs): rows 0-3, then 4-7, then the
 * last pair. */
static MICRO_ALWAYS_INLINE void widen_run(int R2, int pairs, const pass_t *s, int32_t at,
                                          int32_t channels, int32_t n, uint32_t *buf)
{
    for (int k = 0; k + 1 < pairs; k += 2) {
        const int8_t *const r = s->rows[2 * k] + at;
        const intptr_t d[3] = {s->rows[2 * k + 1] - s->rows[2 * k],
                               s->rows[2 * k + 2] - s->rows[2 * k],
                               s->rows[2 * k + 3] - s->rows[2 * k]};
        widen_4rows(R2, r, d, channels, n, buf + k);
    }
    if (pairs % 2) {
        const int8_t *const r = s->rows[2 * pairs - 2] + at;
        widen_2rows(R2, r, s->rows[2 * pairs - 1] - s->rows[2 * pairs - 2], channels, n,
                    buf + pairs - 1);
    }
}
#define DW_WIDEN_ASM 1
#else
#define DW_WIDEN_ASM 0
#endif

/* Columns [ix0, ix0 + nc) of input channels [c0, c0 + 4) into buf: channel ci's column j
 * at buf + (4 * j + ci) * R2, R2 words of row pairs, of which the first `pairs` are
 * written (the rest: zero_pairs). One word per row and pixel (PKHBT/PKHTB, then SXTB16
 * into the 4 channels' pairs). */
static MICRO_ALWAYS_INLINE void widen_quad(int R2, int pairs,
                                           const micro_depthwise_conv_s8_params_t *p,
                                           const pass_t *s, int32_t c0, int32_t ix0,
                                           int32_t nc, uint32_t *buf)
{
    const int32_t width = p->input_width, channels = p->input_depth;
    for (int32_t j = 0, ix = ix0; j < nc; ++j, ++ix, buf += 4 * R2) {
        if (ix < 0 || ix >= width) {
            continue; /* input_zp columns: zero_columns filled them */
        }
        const int32_t at = ix * channels + c0;
#if DW_WIDEN_ASM
        /* The columns up to the image's right edge in one run. */
        const int32_t run = (nc - j < width - ix ? nc - j : width - ix);
        widen_run(R2, pairs, s, at, channels, run, buf);
        j += run - 1;
        ix += run - 1;
        buf += (run - 1) * 4 * R2;
#else
        for (int k = 0; k < pairs; ++k) {
            const int8_t *ra = s->rows[2 * k], *rb = s->rows[2 * k + 1];
            const uint32_t xa = micro_read4(ra + at), xb = micro_read4(rb + at);
            const uint32_t lo = micro_pkh_lo(xa, xb), hi = micro_pkh_hi(xa, xb);
            buf[k] = micro_sxtb16(lo);
            buf[R2 + k] = micro_sxtb16_hi(lo);
            buf[2 * R2 + k] = micro_sxtb16(hi);
            buf[3 * R2 + k] = micro_sxtb16_hi(hi);
        }
#endif
    }
}

/* The input_zp columns of a strip (those outside the image: the first -ix0 and those from
 * the image's width on): widen_quad leaves them. */
static void zero_columns(int32_t R2, const micro_depthwise_conv_s8_params_t *p, int32_t ix0,
                         int32_t nc, uint32_t *buf)
{
    const uint32_t zz = micro_sxtb16(((uint32_t)p->input_zp & 0xFFu) * 0x01010101u);
    int32_t lo = ix0 < 0 ? -ix0 : 0, hi = p->input_width - ix0;
    lo = lo < nc ? lo : nc;
    hi = hi < lo ? lo : (hi > nc ? nc : hi);
    for (int32_t k = 0; k < lo * 4 * R2; ++k) {
        buf[k] = zz;
    }
    for (int32_t k = hi * 4 * R2; k < nc * 4 * R2; ++k) {
        buf[k] = zz;
    }
}

/* The last pair of every column and channel slot (nc columns) as input_zp's: a pass whose
 * last two input rows both lie outside the image (a 3x3 map's rows 4 and 5; a last pass
 * of 3 rows over a padded bottom) widens them once, not once a block. */
static void zero_pairs(int32_t R2, const micro_depthwise_conv_s8_params_t *p, int32_t nc,
                       uint32_t *buf)
{
    const uint32_t zz = micro_sxtb16(((uint32_t)p->input_zp & 0xFFu) * 0x01010101u);
    for (int32_t k = R2 - 1; k < nc * 4 * R2; k += R2) {
        buf[k] = zz;
    }
}

/* As widen_quad for output channels [o0, o0 + k) (any depth and multiplier), a byte per
 * row and pixel of input channel o / multiplier, into channel slot o - o0. */
static void widen_bytes(int32_t R2, const micro_depthwise_conv_s8_params_t *p,
                        const pass_t *s, int32_t o0, int32_t k, int32_t ix0, int32_t nc,
                        uint32_t *buf)
{
    const int32_t width = p->input_width, channels = p->input_depth;
    const uint32_t zp = (uint32_t)p->input_zp & 0xFFu;
    for (int32_t j = 0, ix = ix0; j < nc; ++j, ++ix, buf += 4 * R2) {
        const int in = ix >= 0 && ix < width;
        for (int32_t i = 0; i < k; ++i) {
            const int32_t at = ix * channels + (o0 + i) / p->depth_multiplier;
            for (int32_t q = 0; q < R2; ++q) {
                const int8_t *ra = s->rows[2 * q], *rb = s->rows[2 * q + 1];
                const uint32_t xa = in ? (uint32_t)(uint8_t)ra[at] : zp;
                const uint32_t xb = in ? (uint32_t)(uint8_t)rb[at] : zp;
                buf[i * R2 + q] = micro_sxtb16(xa | xb << 16);
            }
        }
    }
}

/*
 * The fast requantization in 4 instructions (the pointwise path's, conv_quads_dsp.h, on
 * the same domain: multiplier in [2^30, 2^31), right shift e = -shift in 1..31, no clamp
 * but int8's). With y = SMMLAR(acc, m2, acc), TFLM's rounding divide of y by 2^e plus
 * output_zp is zp + floor((t + 2^(e-1)) / 2^e) for t = y - (y < 0), and that is one
 * SMMLSR of t by pn = -2^(32 - e) accumulating zp: zp + floor((t 2^(32-e) + 2^31) / 2^32),
 * exact (2^31 = 2^(e-1) 2^(32-e)) and within 2^30 of zp (|t| <= 2^31); then SSAT.
 */
static inline int32_t cols_out(int32_t acc, int32_t m2, int32_t pn, int32_t zp)
{
    const int32_t y = micro_smmlar(acc, m2, acc);
    const int32_t t = (int32_t)((uint32_t)y + (uint32_t)(y >> 31));
    const int32_t v = micro_smmlsr(t, pn, zp);
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

/* cols_out's pn for a shift of the fast domain (-31..-1), without a branch (a block's
 * records are filled once a pass); off the domain some value the general requantization
 * leaves unused. */
static inline int32_t cols_pn(int32_t shift)
{
    return (int32_t)(0u - (UINT32_C(1) << ((uint32_t)(32 + shift) & 31u)));
}

/* The pass's constants in all 4 records (once a pass: the blocks' records change the rest). */
static void fill_pass(const dw_t *d, const pass_t *s, rec_t *rec)
{
    const uint32_t up = (uint32_t)((uintptr_t)s->stage - (uintptr_t)s->out) - 1u;
    for (int32_t i = 0; i < 4; ++i) {
        rec[i].zp = d->zp;
        rec[i].row = s->row_out;
        rec[i].up = up;
    }
}

/* The block's records: output channels [o0, o0 + k) at rec. */
static void fill_records(const dw_t *d, int32_t o0, int32_t k, rec_t *rec)
{
    const uint32_t *w = d->w + (int64_t)o0 * 6;
    const int32_t *bias = d->bias + o0, *mult = d->multiplier + o0, *shift = d->shift + o0;
    for (int32_t i = 0; i < k; ++i, w += 6) {
        rec[i].bias = bias[i];
        memcpy(rec[i].w, w, sizeof rec[i].w);
        rec[i].m2 = (int32_t)((uint32_t)mult[i] << 1);
        rec[i].pn = cols_pn(shift[i]);
    }
}

/* Rows r < rows of a column's sums (acc) from the words of its 3 input columns at x (column
 * fx at x + 4 * R2 * fx) and the record's weights. */
static MICRO_ALWAYS_INLINE void col_sums(int R2, int SH, int rows, const uint32_t *x,
                                         const rec_t *rec, int32_t *acc)
{
    for (int r = 0; r < rows; ++r) {
        acc[r] = rec->bias;
    }
#pragma GCC unroll 3
    for (int fx = 0; fx < 3; ++fx, x += 4 * R2) {
        const uint32_t wa = rec->w[2 * fx], wb = rec->w[2 * fx + 1];
        if (SH == 1) {
            for (int q = 0; 2 * q < rows; ++q) {
                acc[2 * q] = micro_smlad(x[q], wa, acc[2 * q]);
                acc[2 * q] = micro_smlatb(wb, x[q + 1], acc[2 * q]);
                if (2 * q + 1 < rows) {
                    acc[2 * q + 1] = micro_smlatb(x[q], wa, acc[2 * q + 1]);
                    acc[2 * q + 1] = micro_smlad(x[q + 1], wb, acc[2 * q + 1]);
                }
            }
        } else {
            for (int q = 0; q < rows; ++q) {
                acc[q] = micro_smlad(x[q], wa, acc[q]);
                acc[q] = micro_smlatb(wb, x[q + 1], acc[q]);
            }
        }
    }
}

/* The strip in C (any requantization): per output column the block's channels; rows
 * below `rows` are left out. out0: row 0's first byte, out1: row 1's. */
static MICRO_ALWAYS_INLINE void strip_c(int R2, int SH, int ROWS, int fast, const dw_t *d,
                                        const block_t *b, int32_t o0, int32_t rows,
                                        const uint32_t *col, int32_t step, int8_t *out0,
                                        int8_t *out1)
{
    const strip_t *st = &b->st;
    const rec_t *const rec = b->rec + 4 - st->k;
    for (int32_t j = 0; j < st->n; ++j, col += step, out0 += d->depth, out1 += d->depth) {
        for (int32_t i = 0; i < st->k; ++i) {
            int32_t acc[DW_COLS_ROWS];
            col_sums(R2, SH, ROWS, col + i * R2, rec + i, acc);
            const micro_requant_channel_t rq =
                micro_requant_channel(d->multiplier[o0 + i], d->shift[o0 + i]);
            for (int32_t r = 0; r < rows && r < ROWS; ++r) {
                const int32_t y =
                    fast ? cols_out(acc[r], rec[i].m2, rec[i].pn, rec[i].zp)
                         : micro_requant_out(acc[r], rq, d->zp, d->zp2, d->lo, d->hi);
                int8_t *const at = r == 0 ? out0 : out1 + (r - 1) * rec[i].row;
                at[i] = (int8_t)y;
            }
        }
    }
}

#include "depthwise_conv_s8_dsp_strips.h"

/* One pass over every block of 4 output channels and strip of columns; R2 pairs a column
 * (ROWS / 2 + 1 at stride 1, 5 at stride 2), SH the vertical stride, ROWS the rows the
 * strips compute (s->n_rows of them kept). */
static MICRO_ALWAYS_INLINE void cols_pass(int R2, int SH, int ROWS, int fast,
                                          const micro_depthwise_conv_s8_params_t *p,
                                          const dw_t *d, const pass_t *s)
{
    uint32_t buf[DW_COL_WORDS];
    block_t b;
    const int32_t sw = p->stride_width, out_w = p->output_width, depth = d->depth;
    const int32_t per = (DW_COL_WORDS / (4 * R2) - 3) / sw + 1; /* a strip's columns */
    const int quads = d->mult == 1 && p->input_depth % 4 == 0;
    /* 3-row passes: the last pair's rows both input_zp ones (the zp row: image rows are
     * apart) at the bottom of a map padded by 1 or more (vww's 3x3 maps, kws's last pass);
     * the other passes' last rows lie in the image on such maps */
    const int32_t pairs =
        R2 - (ROWS == 3 && SH == 1 && s->rows[2 * R2 - 2] == s->rows[2 * R2 - 1]);
    fill_pass(d, s, b.rec);
    for (int32_t o0 = 0; o0 < depth; o0 += 4) {
        const int32_t k = depth - o0 < 4 ? depth - o0 : 4;
        fill_records(d, o0, k, b.rec + 4 - k);
        b.st.k = k;
        b.st.adv = depth - k;
        b.st.back = k * (int32_t)sizeof(rec_t);
        b.st.skip = (4 * sw - k) * R2 * 4;
        for (int32_t ox0 = 0; ox0 < out_w; ox0 += per) {
            const int32_t n = out_w - ox0 < per ? out_w - ox0 : per;
            const int32_t ix0 = ox0 * sw - p->pad_left, nc = (n - 1) * sw + 3;
            if (quads) {
                if (o0 == 0 || per < out_w) { /* one strip: the same columns every block */
                    zero_columns(R2, p, ix0, nc, buf);
                    if (pairs < R2) {
                        zero_pairs(R2, p, nc, buf);
                    }
                }
                if (pairs == R2) { /* a constant count: the widening loops unrolled */
                    widen_quad(R2, R2, p, s, o0, ix0, nc, buf);
                } else {
                    widen_quad(R2, R2 - 1, p, s, o0, ix0, nc, buf);
                }
            } else {
                widen_bytes(R2, p, s, o0, k, ix0, nc, buf);
            }
            int8_t *const out0 = s->out + (int64_t)ox0 * depth + o0;
            int8_t *const out1 = s->stage + (int64_t)ox0 * depth + o0;
            b.st.n = n;
            b.st.end = (uintptr_t)(buf + (int64_t)n * 4 * R2 * sw);
#if DW_COLS_ASM
            if (fast) {
                if (SH == 2) {
                    (ROWS == 2 ? strip_s2_2 : strip_s2)(&b, buf, out0, out1);
                } else if (ROWS == 6) {
                    strip_s1_6(&b, buf, out0, out1);
                } else if (ROWS == 4) {
                    strip_s1(&b, buf, out0, out1);
                } else {
                    (ROWS == 3 ? strip_s1_3 : strip_s1_2)(&b, buf, out0, out1);
                }
                continue;
            }
#endif
            strip_c(R2, SH, ROWS, fast, d, &b, o0, s->n_rows, buf, 4 * R2 * sw, out0, out1);
        }
    }
}

/* The instances: strides 1 and 2 (rows), 6, 4, 3 or 2 rows (stride 1) or 4 or 2 (stride
 * 2) on the fast requantization, 4 on the general one. */
#define DW_COLS(name, R2, SH, ROWS, fast)                                                  \
    MICRO_NOINLINE static void name(const micro_depthwise_conv_s8_params_t *p,            \
                                    const dw_t *d, const pass_t *s)                        \
    {                                                                                      \
        cols_pass(R2, SH, ROWS, fast, p, d, s);                                            \
    }
DW_COLS(s1_fast6, 4, 1, 6, 1)
DW_COLS(s1_fast, 3, 1, 4, 1)
DW_COLS(s1_fast3, 3, 1, 3, 1)
DW_COLS(s2_fast, 5, 2, 4, 1)
DW_COLS(s1_fast2, 2, 1, 2, 1)
DW_COLS(s2_fast2, 3, 2, 2, 1)
DW_COLS(s1_general, 3, 1, 4, 0)
DW_COLS(s2_general, 5, 2, 4, 0)
#undef DW_COLS

#include "depthwise_conv_s8_dsp_tiny.h"

/* 1 if the column path can run p (filter layout 2): any height, so that the strips of a
 * patched plan, a few output rows each, stay on it once the compiler chose the layout. */
static int cols_fit(const micro_depthwise_conv_s8_params_t *p)
{
    const int s1 = p->stride_height == 1 && p->stride_width == 1;
    const int s2 = p->stride_height >= 1 && p->stride_height <= 2 && p->stride_width >= 1 &&
                   p->stride_width <= 2 && p->depth_multiplier == 1;
    return p->filter_height == 3 && p->filter_width == 3 && p->dilation_height == 1 &&
           p->dilation_width == 1 && (s1 || s2) && p->output_width >= DW_COLS_MIN_WIDTH &&
           (int64_t)p->output_width * p->input_depth * p->depth_multiplier <= DW_ROW_MAX &&
           (int64_t)p->input_width * p->input_depth <= DW_ZP_ROW;
}

/* Stride 2 from 8 output rows (vww's 6x6 and 3x3 maps run as fast on the tap-pair loop,
 * whose passes have no rows to spare). */
#define DW_COLS_S2_MIN_HEIGHT 8

/* 1 if the compiler should write filter layout 2 for p: the column path fits and pays. */
static int cols_ok(const micro_depthwise_conv_s8_params_t *p)
{
    return cols_fit(p) && ((p->stride_height == 1 && p->stride_width == 1) ||
                           p->output_height >= DW_COLS_S2_MIN_HEIGHT);
}

typedef void (*pass_fn)(const micro_depthwise_conv_s8_params_t *, const dw_t *,
                        const pass_t *);

/* The strips' rows for the next pass with n output rows left: at stride 1 on the fast
 * requantization 6 a pass, the last few split where that wastes less (per channel and
 * column, 6 rows cost about 94 instructions and 4 pairs widened, 4 rows 66 and 3, 3 rows
 * 55 and 3, 2 rows 43 and 2: 7 rows go as 4 + 3, 8 as 4 + 4, 5 as 6); else 4 (2 for a
 * last pass of one or two rows at stride 2 on the fast requantization). A pass of 6
 * rows needs its rows 1-5 on the stack unless it may write them straight (`straight`
 * and n >= 6): `staged6` says whether they fit, else passes of at most 4 rows. */
static int32_t pass_rows(int s1, int fast, int straight, int staged6, int32_t n,
                         pass_fn *run)
{
    static const int8_t last[13] = {0, 2, 2, 3, 4, 6, 6, 4, 4, 6, 6, 6, 6};
    static const int8_t last4[6] = {0, 2, 2, 3, 4, 3};
    /* The variants this build keeps (micro/paths.h): micro_depthwise_conv_s8_dsp_path sends
     * a layer of a dropped one to the reference kernel, so none gets here; these tests only
     * let the compiler drop the code of the others. */
    const int any = MICRO_PATH_ON(MICRO_PATH_DW_COLS_ANY);
    const int fast1 = MICRO_PATH_ON(MICRO_PATH_DW_COLS_S1);
    const int fast2 = MICRO_PATH_ON(MICRO_PATH_DW_COLS_S2);
    if (any && (!fast || (!fast1 && !fast2))) {
        *run = s1 ? s1_general : s2_general;
        return 4;
    }
    if (fast2 && (!s1 || !fast1)) {
        *run = n <= 2 ? s2_fast2 : s2_fast;
        return n <= 2 ? 2 : 4;
    }
    int32_t rows = n > 12 ? 6 : last[n];
    if (rows == 6 && !staged6 && !(straight && n >= 6)) {
        rows = n > 5 ? 4 : last4[n];
    }
    *run = rows == 6 ? s1_fast6 : (rows == 4 ? s1_fast : (rows == 3 ? s1_fast3 : s1_fast2));
    return rows;
}

/* Every pass of the layer. */
MICRO_NOINLINE static void cols_run(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                                    int fast, const int8_t *input, int8_t *output)
{
    const int32_t height = p->input_height, out_h = p->output_height, sh = p->stride_height;
    const int64_t row_in = (int64_t)p->input_width * p->input_depth;
    const int32_t row_out = p->output_width * d->depth;
    const int s1 = sh == 1; /* stride 1 down (the strips take either stride across) */
    int8_t stage[DW_STAGE];
    int8_t zp_row[DW_ZP_ROW];
    memset(zp_row, p->input_zp, (size_t)row_in);
    /* Rows 1.. of a whole pass go straight to their place when the output is apart from
     * the input, or below it by a multiple of the pixel's bytes (channel c over channel c:
     * the rule keeps a pass's rows below what later passes read, and within the pass a
     * block writes only its own channels' bytes, which it has widened already and no other
     * block reads) with each pass's rows in one strip (so a block widens all it reads
     * before it writes). */
    const uintptr_t in0 = (uintptr_t)input, out0 = (uintptr_t)output;
    const int32_t r2_max = sh == 1 ? 4 : DW_COL_MAX; /* the strips' pairs a column, at most */
    const int32_t strip_min = (DW_COL_WORDS / (4 * r2_max) - 3) / p->stride_width + 1;
    const int straight =
        (out0 + (uintptr_t)p->batches * out_h * row_out <= in0 ||
         in0 + (uintptr_t)p->batches * height * row_in <= out0) ||
        (d->mult == 1 && out0 <= in0 && (in0 - out0) % (uintptr_t)d->depth == 0 &&
         p->output_width <= strip_min);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * row_in;
        int8_t *out = output + (int64_t)b * out_h * row_out;
        for (int32_t oy = 0, n = 0; oy < out_h; oy += n, out += (int64_t)n * row_out) {
            pass_t s;
            pass_fn run;
            const int32_t rows =
                pass_rows(s1, fast, straight, 5 * row_out <= DW_STAGE, out_h - oy, &run);
            if (MICRO_PATH_ON(MICRO_PATH_DW_COLS_MAP3) && run == s1_fast3 && map3_fit(p)) {
                run = s1_map3; /* 3x3 maps: the weights in registers over the map */
            }
            n = out_h - oy < rows ? out_h - oy : rows;
            for (int32_t i = 0; i < 2 * DW_COL_MAX; ++i) {
                const int32_t r = oy * sh - p->pad_top + i;
                s.rows[i] = r >= 0 && r < height ? image + r * row_in : zp_row;
            }
            s.n_rows = n;
            s.row_out = row_out;
            s.out = out;
            /* the strips write all their rows: straight to the output only if all are its */
            const int direct = straight && n == rows;
            s.stage = direct ? out + row_out : stage;
            run(p, d, &s);
            if (n > 1 && !direct) {
                memcpy(out + row_out, stage, (size_t)(n - 1) * (size_t)row_out);
            }
        }
    }
}

#endif
