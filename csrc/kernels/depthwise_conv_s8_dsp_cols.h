/*
 * The 3x3 path of depthwise_conv_s8_dsp.c (stride 1, no dilation, rows of at least
 * DW_COLS_MIN_WIDTH outputs and at most DW_STAGE / 3 bytes, input rows of at most
 * DW_ZP_ROW bytes): four output rows per pass on vertical tap pairs, rows 1-3 held on the
 * stack until the pass has read its input when the output overlaps the input (so it may
 * overlap as closely as with one row a pass). Per block of input channels (a quad, or one
 * channel when the depth is not a multiple of 4) and strip of columns, the pass's 6 input
 * rows (a row of input_zp bytes outside the image) are
 * widened once into int16 columns on the stack, a channel's column holding its rows as
 * the pairs (r0, r1), (r2, r3), (r4, r5). An output channel then runs along the strip
 * with its 9 weights in 6 words, (w0, w1) and (w1, w2) of each filter column (w_fy: its
 * row fy; filter layout 2, written by the compiler), and 4 multiply-accumulates per input
 * column give a row pair's 6 products (rows 0-1 on pairs 0-1, rows 2-3 on pairs 1-2):
 *   row 0 (input rows r0-r2): SMLAD (r0, r1).(w0, w1), SMLATB r2.w2
 *   row 1 (input rows r1-r3): SMLATB r1.w0, SMLAD (r2, r3).(w1, w2)
 * so a widened word serves 3 output columns, 2 or 4 output rows and every output channel
 * of its input channel, where the tap-pair loop unpacks each input word per output pixel.
 * Internal: included by depthwise_conv_s8_dsp.c (dw_t, the dsp.h helpers).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_COLS_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_COLS_H

/* Rows of 3 outputs or more (kws's 5 columns: 3.3 instructions per MAC on the emulated
 * M4F against 3.7 on the tap-pair loop). */
#define DW_COLS_MIN_WIDTH 3
#define DW_COLS_ROWS 4                      /* output rows per pass */
#define DW_COL_PAIRS (DW_COLS_ROWS / 2 + 1) /* input row pairs a pass reads */
#define DW_COL_WORDS 416 /* widened words on the stack (1,664 B): 34 columns of a quad */
#define DW_STAGE 2304 /* the stack's rows 1-3 of a pass (bytes): 3 rows of up to 768 */
#define DW_ZP_ROW 1024 /* input_zp bytes standing for rows outside the image: a row at most */

/* One pass: output rows oy to oy + n_rows - 1 (out: row oy) of a batch's image. */
typedef struct {
    const int8_t *rows[DW_COLS_ROWS + 2]; /* input row oy - pad_top + i (zp row outside) */
    int8_t *out, *stage; /* row oy; rows oy + 1.. (on the stack until the pass ends when
                          * the output overlaps the input) */
    int32_t n_rows, row_out;              /* 1..DW_COLS_ROWS; output row bytes */
} pass_t;

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* widen_quad's pairs (k, k + 1) of a run of columns inside the image, in
 * asm (13 registers: guarded as lane_fast below). r: row 2k at the first column's quad,
 * d[i]: row 2k + i's bytes - r's (i = 1..3); buf: the column's pair k of channel 0. */
static MICRO_ALWAYS_INLINE void widen_4rows(int R2, const int8_t *r, const intptr_t d[3],
                                            int32_t channels, int32_t n, uint32_t *buf)
{
    uint32_t xa, xb, xc, xd, t, u;
    __asm__ volatile("1:\n\t"
                     "ldr %[xb], [%[r], %[d1]]\n\t"
                     "ldr %[xa], [%[r]]\n\t"
                     "pkhbt %[t], %[xa], %[xb], lsl #16\n\t"
                     "pkhtb %[xb], %[xb], %[xa], asr #16\n\t"
                     "ldr %[xc], [%[r], %[d3]]\n\t"
                     "ldr %[xa], [%[r], %[d2]]\n\t"
                     "add %[r], %[r], %[ch]\n\t"
                     "pkhbt %[xd], %[xa], %[xc], lsl #16\n\t"
                     "pkhtb %[xc], %[xc], %[xa], asr #16\n\t"
                     "sxtb16 %[xa], %[t]\n\t"
                     "sxtb16 %[u], %[xd]\n\t"
                     "strd %[xa], %[u], [%[buf]]\n\t"
                     "sxtb16 %[xa], %[t], ror #8\n\t"
                     "sxtb16 %[u], %[xd], ror #8\n\t"
                     "strd %[xa], %[u], [%[buf], %[o1]]\n\t"
                     "sxtb16 %[xa], %[xb]\n\t"
                     "sxtb16 %[u], %[xc]\n\t"
                     "strd %[xa], %[u], [%[buf], %[o2]]\n\t"
                     "sxtb16 %[xa], %[xb], ror #8\n\t"
                     "sxtb16 %[u], %[xc], ror #8\n\t"
                     "strd %[xa], %[u], [%[buf], %[o3]]\n\t"
                     "add %[buf], %[buf], %[o4]\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b"
                     : [r] "+r"(r), [buf] "+r"(buf), [n] "+r"(n), [xa] "=&r"(xa),
                       [xb] "=&r"(xb), [xc] "=&r"(xc), [xd] "=&r"(xd), [t] "=&r"(t),
                       [u] "=&r"(u)
                     : [ch] "r"(channels), [d1] "r"(d[0]), [d2] "r"(d[1]), [d3] "r"(d[2]),
                       [o1] "i"(4 * R2), [o2] "i"(8 * R2), [o3] "i"(12 * R2), [o4] "i"(16 * R2)
                     : "cc", "memory");
}

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

/* The columns [0, n) of widen_quad's run: rows 0-3, then 4-5. */
static MICRO_ALWAYS_INLINE void widen_run(int R2, const pass_t *s, int32_t at,
                                          int32_t channels, int32_t n, uint32_t *buf)
{
    const int8_t *const r = s->rows[0] + at;
    const intptr_t d[3] = {s->rows[1] - s->rows[0], s->rows[2] - s->rows[0],
                           s->rows[3] - s->rows[0]};
    widen_4rows(R2, r, d, channels, n, buf);
    if (R2 == 3) {
        widen_2rows(R2, s->rows[4] + at, s->rows[5] - s->rows[4], channels, n, buf + 2);
    }
}
#define DW_WIDEN_ASM 1
#else
#define DW_WIDEN_ASM 0
#endif

/* Columns [ix0, ix0 + nc) of input channels [c0, c0 + cb) into buf: channel ci's column j
 * at buf + (j * cb + ci) * R2, R2 words of row pairs. A quad of channels takes one word
 * per row and pixel (PKHBT/PKHTB, then SXTB16 into the 4 channels' pairs). */
static MICRO_ALWAYS_INLINE void widen_quad(int R2,
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
        if (R2 == 2 || R2 == 3) {
            /* The columns up to the image's right edge in one run. */
            const int32_t run = (nc - j < width - ix ? nc - j : width - ix);
            widen_run(R2, s, at, channels, run, buf);
            j += run - 1;
            ix += run - 1;
            buf += (run - 1) * 4 * R2;
            continue;
        }
#endif
        uint32_t q[4][DW_COL_PAIRS];
#pragma GCC unroll 4
        for (int k = 0; k < R2; ++k) {
            const int8_t *ra = s->rows[2 * k], *rb = s->rows[2 * k + 1];
            const uint32_t xa = micro_read4(ra + at), xb = micro_read4(rb + at);
            const uint32_t lo = micro_pkh_lo(xa, xb), hi = micro_pkh_hi(xa, xb);
            q[0][k] = micro_sxtb16(lo);
            q[1][k] = micro_sxtb16_hi(lo);
            q[2][k] = micro_sxtb16(hi);
            q[3][k] = micro_sxtb16_hi(hi);
        }
        /* A channel's words side by side: one STRD each. */
        memcpy(buf, q, sizeof q);
    }
}

/* The input_zp columns of a strip (those outside the image) of every quad's buffer:
 * widen_quad leaves them as they are. */
static void zero_columns(int32_t R2, const micro_depthwise_conv_s8_params_t *p, int32_t ix0,
                         int32_t nc, uint32_t *buf)
{
    const uint32_t zz = micro_sxtb16(((uint32_t)p->input_zp & 0xFFu) * 0x01010101u);
    for (int32_t j = 0, ix = ix0; j < nc; ++j, ++ix, buf += 4 * R2) {
        if (ix < 0 || ix >= p->input_width) {
            for (int32_t k = 0; k < 4 * R2; ++k) {
                buf[k] = zz;
            }
        }
    }
}

/* As widen_quad, one channel (any depth), a byte per row and pixel. */
static void widen_one(int32_t R2, const micro_depthwise_conv_s8_params_t *p, const pass_t *s,
                      int32_t c0, int32_t ix0, int32_t nc, uint32_t *buf)
{
    const int32_t width = p->input_width, channels = p->input_depth;
    const uint32_t zp = (uint32_t)p->input_zp & 0xFFu;
    for (int32_t j = 0, ix = ix0; j < nc; ++j, ++ix, buf += R2) {
        const int in = ix >= 0 && ix < width;
        const int32_t at = ix * channels + c0;
        for (int32_t k = 0; k < R2; ++k) {
            const int8_t *ra = s->rows[2 * k], *rb = s->rows[2 * k + 1];
            const uint32_t xa = in ? (uint32_t)(uint8_t)ra[at] : zp;
            const uint32_t xb = in ? (uint32_t)(uint8_t)rb[at] : zp;
            buf[k] = micro_sxtb16(xa | xb << 16);
        }
    }
}

/* What a channel's run along a strip reads besides its words (the asm's [k]). */
typedef struct {
    int32_t bias[2], m2, right1, zp2;
    intptr_t row_off; /* second row's byte - first row's (0: none) */
    int32_t out_step, n;
} lane_t;

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
/* The asm takes 13 registers besides lr (the counter): -O0's frame pointer and -Os leave
 * too few, so those builds run the C loop below (the firmware builds the twins at -O2). */
/* Column fx's 4 multiply-accumulates: stride 1, its words (r0, r1), (r2, r3) in x0, x1. */
#define DW_COL_S1(wa, wb)                                                                  \
    "smlad %[a0], %[x0], %[" wa "], %[a0]\n\t"                                             \
    "smlatb %[a0], %[" wb "], %[x1], %[a0]\n\t"                                            \
    "smlatb %[a1], %[x0], %[" wa "], %[a1]\n\t"                                            \
    "smlad %[a1], %[x1], %[" wb "], %[a1]\n\t"
/* Both rows' requantization (micro_requant_fast_out) and stores: row 1 first, so with
 * row_off 0 (no second row) row 0's byte is the one left. */
#define DW_COL_OUT                                                                         \
    "ldrd %[x0], %[x1], [%[k], #8]\n\t"                                                    \
    "smmlar %[a0], %[a0], %[x0], %[a0]\n\t"                                                \
    "smmlar %[a1], %[a1], %[x0], %[a1]\n\t"                                                \
    "add %[a0], %[a0], %[a0], asr #31\n\t"                                                 \
    "add %[a1], %[a1], %[a1], asr #31\n\t"                                                 \
    "asr %[a0], %[a0], %[x1]\n\t"                                                          \
    "asr %[a1], %[a1], %[x1]\n\t"                                                          \
    "ldrd %[x0], %[x1], [%[k], #16]\n\t"                                                   \
    "qadd %[a0], %[a0], %[x0]\n\t"                                                         \
    "qadd %[a1], %[a1], %[x0]\n\t"                                                         \
    "ssat %[a0], #8, %[a0], asr #1\n\t"                                                    \
    "ssat %[a1], #8, %[a1], asr #1\n\t"                                                    \
    "strb %[a1], [%[out], %[x1]]\n\t"                                                      \
    "ldr %[x0], [%[k], #24]\n\t"                                                           \
    "strb %[a0], [%[out]]\n\t"                                                             \
    "add %[out], %[out], %[x0]\n\t"

/* A channel's run on the fast requantization: per output column 34 instructions for 18
 * products. CB, R2, SW: constants once inlined. */
static MICRO_ALWAYS_INLINE void lane_fast(int CB, int R2, int SW, const uint32_t *v,
                                         const uint32_t *col, int8_t *out, const lane_t *k)
{
    uint32_t a0, a1, x0, x1;
    const uint32_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4], v5 = v[5];
    __asm__ volatile("ldr lr, [%[k], #28]\n\t"
                     "1:\n\t"
                     "ldrd %[a0], %[a1], [%[k]]\n\t"
                     "ldrd %[x0], %[x1], [%[col], #%c[o1]]\n\t" DW_COL_S1("w2", "w3")
                     "ldrd %[x0], %[x1], [%[col], #%c[o2]]\n\t" DW_COL_S1("w4", "w5")
                     "ldrd %[x0], %[x1], [%[col]], #%c[st]\n\t" DW_COL_S1("w0", "w1")
                     DW_COL_OUT
                     "subs lr, lr, #1\n\t"
                     "bne 1b"
                     : [a0] "=&r"(a0), [a1] "=&r"(a1), [x0] "=&r"(x0), [x1] "=&r"(x1),
                       [col] "+r"(col), [out] "+r"(out)
                     : [k] "r"(k), [w0] "r"(v0), [w1] "r"(v1), [w2] "r"(v2), [w3] "r"(v3),
                       [w4] "r"(v4), [w5] "r"(v5),
                       [o1] "i"(CB * R2 * 4), [o2] "i"(2 * CB * R2 * 4),
                       [st] "i"(SW * CB * R2 * 4)
                     : "lr", "cc", "memory");
}
#undef DW_COL_S1
#undef DW_COL_OUT
#define DW_COLS_ASM 1
#else
#define DW_COLS_ASM 0
#endif

/* Output channel o's row pair along the strip (lane->n columns): col at its input
 * channel's first column (CB channels' columns of DW_COL_PAIRS words side by side), v its
 * 6 words; row 1 at out + lane->row_off unless that is 0. */
static MICRO_ALWAYS_INLINE void pair(int CB, int fast, const dw_t *d, const uint32_t *v,
                                     const lane_t *lane, const uint32_t *col, int32_t o,
                                     int8_t *out)
{
#if DW_COLS_ASM
    if (fast) {
        lane_fast(CB, DW_COL_PAIRS, 1, v, col, out, lane);
        return;
    }
#endif
    const lane_t k = *lane;
    const micro_requant_channel_t rq = micro_requant_channel(d->multiplier[o], d->shift[o]);
    for (int32_t i = 0; i < k.n; ++i, col += CB * DW_COL_PAIRS, out += k.out_step) {
        int32_t a0 = k.bias[0], a1 = k.bias[1];
#pragma GCC unroll 3
        for (int fx = 0; fx < 3; ++fx) {
            const uint32_t *x = col + fx * CB * DW_COL_PAIRS;
            const uint32_t w01 = v[2 * fx], w12 = v[2 * fx + 1];
            a0 = micro_smlad(x[0], w01, a0);
            a0 = micro_smlatb(w12, x[1], a0);
            a1 = micro_smlatb(x[0], w01, a1);
            a1 = micro_smlad(x[1], w12, a1);
        }
        const int32_t y1 = fast ? micro_requant_fast_out(a1, k.m2, k.right1, k.zp2)
                                : micro_requant_out(a1, rq, d->zp, k.zp2, d->lo, d->hi);
        const int32_t y0 = fast ? micro_requant_fast_out(a0, k.m2, k.right1, k.zp2)
                                : micro_requant_out(a0, rq, d->zp, k.zp2, d->lo, d->hi);
        if (k.row_off) {
            *(int8_t *)((intptr_t)out + k.row_off) = (int8_t)y1;
        }
        out[0] = (int8_t)y0;
    }
}

/* One pass over every channel block and strip, CB channels a block: per output channel its
 * words, bias and requantization constants, then its row pair along the strip. */
static MICRO_ALWAYS_INLINE void cols_pass(int CB, int fast,
                                          const micro_depthwise_conv_s8_params_t *p,
                                          const dw_t *d, const pass_t *s)
{
    uint32_t buf[DW_COL_WORDS];
    const int32_t channels = p->input_depth, mult = d->mult, out_w = p->output_width;
    const int32_t per = DW_COL_WORDS / (CB * DW_COL_PAIRS) - 2; /* a strip's columns */
    lane_t lane;
    lane.zp2 = d->zp2;
    lane.out_step = d->depth;
    for (int32_t ox0 = 0; ox0 < out_w; ox0 += per) {
        const int32_t n = out_w - ox0 < per ? out_w - ox0 : per;
        const int32_t ix0 = ox0 - p->pad_left;
        int8_t *const out = s->out + ox0 * d->depth;
        int8_t *const stage = s->stage + s->row_out + ox0 * d->depth; /* row 2 */
        lane.n = n;
        if (CB == 4) {
            zero_columns(DW_COL_PAIRS, p, ix0, n + 2, buf);
        }
        for (int32_t c0 = 0; c0 < channels; c0 += CB) {
            if (CB == 1) {
                widen_one(DW_COL_PAIRS, p, s, c0, ix0, n + 2, buf);
            } else {
                widen_quad(DW_COL_PAIRS, p, s, c0, ix0, n + 2, buf);
            }
            /* Output channel o: its 6 words at v (filter layout 2), its input channel's
             * columns at col. */
            const uint32_t *col = buf, *v = d->w + c0 * mult * 6;
            for (int32_t o = c0 * mult, o_end = (c0 + CB) * mult; o < o_end;
                 col += DW_COL_PAIRS) {
                for (int32_t m = 0; m < mult; ++m, ++o, v += 6) {
                    lane.bias[0] = lane.bias[1] = d->bias[o];
                    lane.m2 = (int32_t)((uint32_t)d->multiplier[o] << 1);
                    lane.right1 = ~d->shift[o];
                    /* Rows 0 and 1 (row 1 on the stage), then rows 2 and 3. */
                    lane.row_off = s->n_rows > 1 ? (intptr_t)s->stage - (intptr_t)s->out : 0;
                    pair(CB, fast, d, v, &lane, col, o, out + o);
                    if (s->n_rows > 2) {
                        lane.row_off = s->n_rows > 3 ? s->row_out : 0;
                        pair(CB, fast, d, v, &lane, col + 1, o, stage + o);
                    }
                }
            }
        }
    }
}

/* The instances: quads or single channels, the fast or the general requantization. */
#define DW_COLS(name, CB, fast)                                                            \
    MICRO_NOINLINE static void name(const micro_depthwise_conv_s8_params_t *p,            \
                                    const dw_t *d, const pass_t *s)                        \
    {                                                                                      \
        cols_pass(CB, fast, p, d, s);                                                      \
    }
DW_COLS(quad_fast, 4, 1)
DW_COLS(one_fast, 1, 1)
DW_COLS(quad_general, 4, 0)
DW_COLS(one_general, 1, 0)
#undef DW_COLS

/* 1 if the column path runs p (filter layout 1). */
static int cols_ok(const micro_depthwise_conv_s8_params_t *p)
{
    return p->filter_height == 3 && p->filter_width == 3 && p->dilation_height == 1 &&
           p->dilation_width == 1 && p->stride_height == 1 && p->stride_width == 1 &&
           p->output_width >= DW_COLS_MIN_WIDTH &&
           (int64_t)p->output_width * p->input_depth * p->depth_multiplier <=
               DW_STAGE / (DW_COLS_ROWS - 1) &&
           (int64_t)p->input_width * p->input_depth <= DW_ZP_ROW;
}

/* Every pass of the layer. */
MICRO_NOINLINE static void cols_run(const micro_depthwise_conv_s8_params_t *p, const dw_t *d, int fast,
                     const int8_t *input, int8_t *output)
{
    const int32_t height = p->input_height, out_h = p->output_height;
    const int64_t row_in = (int64_t)p->input_width * p->input_depth;
    const int32_t row_out = p->output_width * d->depth;
    int8_t stage[DW_STAGE];
    int8_t zp_row[DW_ZP_ROW];
    memset(zp_row, p->input_zp, (size_t)row_in);
    /* Output apart from the input: the second row goes straight to its place. */
    const uintptr_t in0 = (uintptr_t)input, out0 = (uintptr_t)output;
    const int apart = out0 + (uintptr_t)p->batches * out_h * row_out <= in0 ||
                      in0 + (uintptr_t)p->batches * height * row_in <= out0;
    const int quad = p->input_depth % 4 == 0;
    void (*const run)(const micro_depthwise_conv_s8_params_t *, const dw_t *,
                      const pass_t *) =
        fast ? (quad ? quad_fast : one_fast) : (quad ? quad_general : one_general);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * row_in;
        int8_t *out = output + (int64_t)b * out_h * row_out;
        for (int32_t oy = 0; oy < out_h; oy += DW_COLS_ROWS, out += DW_COLS_ROWS * row_out) {
            pass_t s;
            for (int32_t i = 0; i < DW_COLS_ROWS + 2; ++i) {
                const int32_t r = oy - p->pad_top + i;
                s.rows[i] = r >= 0 && r < height ? image + r * row_in : zp_row;
            }
            s.n_rows = out_h - oy < DW_COLS_ROWS ? out_h - oy : DW_COLS_ROWS;
            s.row_out = row_out;
            s.out = out;
            s.stage = apart ? out + row_out : stage;
            run(p, d, &s);
            if (s.n_rows > 1 && !apart) {
                memcpy(out + row_out, stage, (size_t)(s.n_rows - 1) * (size_t)row_out);
            }
        }
    }
}

#endif
