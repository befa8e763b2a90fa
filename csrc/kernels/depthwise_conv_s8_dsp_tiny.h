/*
 * The column path's 3x3 maps (depthwise_conv_s8_dsp_cols.h): a pass of 3 output rows and
 * 3 output columns at stride 1, multiplier 1, whole quads of channels, the fast
 * requantization, the pass's input row 3 outside the image (vww's 3x3 maps, SAME
 * padding). Per block of 4 channels the map is widened once (rows -1..2 as the pairs
 * P0 = (r-1, r0), P1 = (r1, r2) of 5 columns, the outer ones input_zp's); then each
 * channel's 6 weight words stay in registers over its 9 outputs, an output column at a
 * time, 5 multiply-accumulates per input column for its 3 rows:
 *   row 0 += P0.(w0, w1) + w2 r1      SMLAD, SMLATB
 *   row 1 += w0 r0 + P1.(w1, w2)      SMLATB, SMLAD
 *   row 2 += P1.(w0, w1)              SMLAD
 * row 2's third tap reads input row 3, input_zp whatever the column: its products are
 * input_zp times the filter's bottom row, added to row 2's bias once a block (bias2).
 * Sums wrap as the reference's do, so the order of the products does not matter.
 * Internal: included by depthwise_conv_s8_dsp_cols.h after the column path's passes.
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_TINY_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_TINY_H

#define DW_MAP_COLS 5 /* widened columns: the 3 of the map and one each side */
#define DW_MAP_R2 3   /* words a channel's column (widen_quad's stride; the third unused) */

/* A channel's record, as the asm reads it (64 bytes where pointers are 32-bit). */
typedef struct {
    int32_t bias, bias2; /* rows 0, 1; row 2 (bias + input_zp * the bottom row's weights) */
    int32_t m2, pn, zp;  /* the fast requantization (cols_out) */
    uint32_t at[9];      /* column j, row r: at[3j + r] bytes past the block's first byte
                          * in row 0, column 0, modulo 2^32 (rows 1, 2 where the pass keeps
                          * them) */
    int32_t more;        /* nonzero if another channel's record follows */
    const uint32_t *w;   /* filter layout 2's 6 words: (w0, w1), (w1, w2) a filter column */
} map3_rec_t;

/* The pass's constants in the 4 records (once a pass). */
static void map3_fill_pass(const dw_t *d, const pass_t *s, map3_rec_t *rec)
{
    const uint32_t up = (uint32_t)((uintptr_t)s->stage - (uintptr_t)s->out);
    const uint32_t row = (uint32_t)s->row_out, depth = (uint32_t)d->depth;
    for (int32_t i = 0; i < 4; ++i) {
        rec[i].zp = d->zp;
        rec[i].more = i < 3;
        for (uint32_t j = 0, at = (uint32_t)i; j < 3; ++j, at += depth) {
            rec[i].at[3 * j] = at;
            rec[i].at[3 * j + 1] = up + at;
            rec[i].at[3 * j + 2] = up + row + at;
        }
    }
}

/* The block's records: output channels [o0, o0 + 4). */
static void map3_fill(const dw_t *d, int32_t input_zp, int32_t o0, map3_rec_t *rec)
{
    const uint32_t *w = d->w + (int64_t)o0 * 6;
    const uint32_t zp = (uint32_t)input_zp & 0xFFFFu; /* lane 0 */
    for (int32_t i = 0; i < 4; ++i, w += 6) {
        const int32_t bias = d->bias[o0 + i];
        rec[i].w = w;
        rec[i].bias = bias;
        const int32_t bias2 = micro_smlatb(w[1], zp, micro_smlatb(w[3], zp, bias));
        rec[i].bias2 = micro_smlatb(w[5], zp, bias2);
        rec[i].m2 = (int32_t)((uint32_t)d->multiplier[o0 + i] << 1);
        rec[i].pn = cols_pn(d->shift[o0 + i]);
    }
}

#if DW_COLS_ASM
typedef char dw_map3_rec_is_64_bytes[sizeof(map3_rec_t) == 64 ? 1 : -1]; /* the asm's */

/* Output column j's sums from input columns j, j + 1, j + 2 (their channel's P0, P1 at dp
 * + D0, D1, D2), requantized (4 instructions a row) and stored at lr + at[3j + r] (T0, T2:
 * the record's offsets of at[3j], at[3j + 2]): per channel and column 38 instructions for
 * 27 MACs (the 3-row strip's column: 55, with the weights, bias and constants reloaded). */
#define DW_MAP3_MACS(wa, wb)                                                               \
    "smlad %[a0], %[x0], %[" wa "], %[a0]\n\t"                                             \
    "smlatb %[a0], %[" wb "], %[x1], %[a0]\n\t"                                            \
    "smlatb %[a1], %[x0], %[" wa "], %[a1]\n\t"                                            \
    "smlad %[a1], %[x1], %[" wb "], %[a1]\n\t"                                             \
    "smlad %[a2], %[x1], %[" wa "], %[a2]\n\t"
#define DW_MAP3_COLUMN(D0, D1, D2, T0, T2)                                                 \
    "ldrd %[a0], %[a2], [%[kp]]\n\t"                                                       \
    "ldrd %[x0], %[x1], [%[dp], #" D0 "]\n\t"                                              \
    "smlatb %[a1], %[x0], %[wa0], %[a0]\n\t"                                               \
    "smlad %[a0], %[x0], %[wa0], %[a0]\n\t"                                                \
    "smlatb %[a0], %[wb0], %[x1], %[a0]\n\t"                                               \
    "smlad %[a1], %[x1], %[wb0], %[a1]\n\t"                                                \
    "smlad %[a2], %[x1], %[wa0], %[a2]\n\t"                                                \
    "ldrd %[x0], %[x1], [%[dp], #" D1 "]\n\t"                                              \
    DW_MAP3_MACS("wa1", "wb1")                                                             \
    "ldrd %[x0], %[x1], [%[dp], #" D2 "]\n\t"                                              \
    DW_MAP3_MACS("wa2", "wb2")                                                             \
    "ldr %[x0], [%[kp], #8]\n\t"                                                           \
    "smmlar %[a0], %[a0], %[x0], %[a0]\n\t"                                                \
    "smmlar %[a1], %[a1], %[x0], %[a1]\n\t"                                                \
    "smmlar %[a2], %[a2], %[x0], %[a2]\n\t"                                                \
    "add %[a0], %[a0], %[a0], asr #31\n\t"                                                 \
    "add %[a1], %[a1], %[a1], asr #31\n\t"                                                 \
    "add %[a2], %[a2], %[a2], asr #31\n\t"                                                 \
    "ldrd %[x0], %[x1], [%[kp], #12]\n\t"                                                  \
    "smmlsr %[a0], %[a0], %[x0], %[x1]\n\t"                                                \
    "smmlsr %[a1], %[a1], %[x0], %[x1]\n\t"                                                \
    "smmlsr %[a2], %[a2], %[x0], %[x1]\n\t"                                                \
    "ssat %[a0], #8, %[a0]\n\t"                                                            \
    "ssat %[a1], #8, %[a1]\n\t"                                                            \
    "ssat %[a2], #8, %[a2]\n\t"                                                            \
    "ldrd %[x0], %[x1], [%[kp], #" T0 "]\n\t"                                              \
    "strb %[a0], [lr, %[x0]]\n\t"                                                          \
    "strb %[a1], [lr, %[x1]]\n\t"                                                          \
    "ldr %[x0], [%[kp], #" T2 "]\n\t"                                                      \
    "strb %[a2], [lr, %[x0]]\n\t"

/* The block's 4 channels (records rec, widened columns buf, outputs from out0 on; rows 1
 * and 2 where the records' offsets say). Registers: wa0-wb2 the weights, a0-a2 the rows'
 * sums, x0, x1 two pairs (then constants), kp the record, dp the channel's column 0, lr
 * the block's first output byte. */
static void strip_map3(const map3_rec_t *rec, const uint32_t *buf, int8_t *out0,
                       int8_t *out1, int32_t row, int32_t depth)
{
    uint32_t wa0, wb0, wa1, wb1, wa2, wb2, a0, a1, a2, x0;
    uintptr_t x1 = (uintptr_t)out0;
    const map3_rec_t *kp = rec;
    const uint32_t *dp = buf;
    (void)out1; /* the records' offsets */
    (void)row;
    (void)depth;
    __asm__ volatile("mov lr, %[x1]\n\t"
                     "1:\n\t"
                     "ldr %[x0], [%[kp], #60]\n\t"
                     "ldrd %[wa0], %[wb0], [%[x0]]\n\t"
                     "ldrd %[wa1], %[wb1], [%[x0], #8]\n\t"
                     "ldrd %[wa2], %[wb2], [%[x0], #16]\n\t"
                     DW_MAP3_COLUMN("0", "48", "96", "20", "28")
                     DW_MAP3_COLUMN("48", "96", "144", "32", "40")
                     DW_MAP3_COLUMN("96", "144", "192", "44", "52")
                     /* the next channel: its record and column words */
                     "ldr %[x0], [%[kp], #56]\n\t"
                     "add %[dp], %[dp], #12\n\t"
                     "add %[kp], %[kp], #64\n\t"
                     "cmp %[x0], #0\n\t"
                     "bne 1b\n\t"
                     : [wa0] "=&r"(wa0), [wb0] "=&r"(wb0), [wa1] "=&r"(wa1), [wb1] "=&r"(wb1),
                       [wa2] "=&r"(wa2), [wb2] "=&r"(wb2), [a0] "=&r"(a0), [a1] "=&r"(a1),
                       [a2] "=&r"(a2), [x0] "=&r"(x0), [x1] "+r"(x1), [kp] "+r"(kp),
                       [dp] "+r"(dp)
                     :
                     : "lr", "cc", "memory");
}
#undef DW_MAP3_MACS
#undef DW_MAP3_COLUMN
#else
/* strip_map3 in C (the same sums and requantization): rows 1 and 2 at out1, out1 + row. */
static void strip_map3(const map3_rec_t *rec, const uint32_t *buf, int8_t *out0,
                       int8_t *out1, int32_t row, int32_t depth)
{
    for (int32_t i = 0; i < 4; ++i, ++rec, buf += DW_MAP_R2) {
        for (int32_t j = 0; j < 3; ++j) {
            int32_t a0 = rec->bias, a1 = rec->bias, a2 = rec->bias2;
            for (int32_t fx = 0; fx < 3; ++fx) {
                const uint32_t *x = buf + (j + fx) * 4 * DW_MAP_R2;
                const uint32_t wa = rec->w[2 * fx], wb = rec->w[2 * fx + 1];
                a0 = micro_smlatb(wb, x[1], micro_smlad(x[0], wa, a0));
                a1 = micro_smlad(x[1], wb, micro_smlatb(x[0], wa, a1));
                a2 = micro_smlad(x[1], wa, a2);
            }
            int8_t *const at0 = out0 + j * depth + i, *const at1 = out1 + j * depth + i;
            at0[0] = (int8_t)cols_out(a0, rec->m2, rec->pn, rec->zp);
            at1[0] = (int8_t)cols_out(a1, rec->m2, rec->pn, rec->zp);
            at1[row] = (int8_t)cols_out(a2, rec->m2, rec->pn, rec->zp);
        }
    }
}
#endif

/* Widened columns [ix, ix + n) of input channels [c0, c0 + 4), all inside the image
 * (widen_quad's layout, pairs 0 and 1): the asm's loop straight away. */
#if DW_WIDEN_ASM
static MICRO_ALWAYS_INLINE void map3_widen(const micro_depthwise_conv_s8_params_t *p,
                                           const pass_t *s, int32_t c0, int32_t ix, int32_t n,
                                           uint32_t *buf)
{
    widen_run(DW_MAP_R2, 2, s, ix * p->input_depth + c0, p->input_depth, n, buf);
}
#else
static MICRO_ALWAYS_INLINE void map3_widen(const micro_depthwise_conv_s8_params_t *p,
                                           const pass_t *s, int32_t c0, int32_t ix, int32_t n,
                                           uint32_t *buf)
{
    widen_quad(DW_MAP_R2, 2, p, s, c0, ix, n, buf);
}
#endif

/* 1 if the column path's 3-row passes of p take the 3x3 map's pass (s1_map3). */
static int map3_fit(const micro_depthwise_conv_s8_params_t *p)
{
    return p->output_width == 3 && p->stride_width == 1 && p->depth_multiplier == 1 &&
           p->input_depth % 4 == 0;
}

/* A pass of 3 rows over a map of 3 columns (map3_fit), the fast requantization; when the
 * pass's input row 3 lies in the image, s1_fast3's. */
MICRO_NOINLINE static void s1_map3(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                                   const pass_t *s)
{
    if (s->rows[4] != s->rows[5]) { /* row 3 (pair 2's first) in the image */
        s1_fast3(p, d, s);
        return;
    }
    uint32_t buf[DW_MAP_COLS * 4 * DW_MAP_R2];
    map3_rec_t rec[4];
    const int32_t ix0 = -p->pad_left;
    /* the widened columns [j0, j1) inside the image, as one run */
    const int32_t j0 = ix0 < 0 ? -ix0 : 0;
    const int32_t j1 = p->input_width - ix0 < DW_MAP_COLS ? p->input_width - ix0 : DW_MAP_COLS;
    map3_fill_pass(d, s, rec);
    zero_columns(DW_MAP_R2, p, ix0, DW_MAP_COLS, buf);
    for (int32_t o0 = 0; o0 < d->depth; o0 += 4) {
        map3_fill(d, p->input_zp, o0, rec);
        if (j1 > j0) {
            map3_widen(p, s, o0, ix0 + j0, j1 - j0, buf + j0 * 4 * DW_MAP_R2);
        }
        strip_map3(rec, buf, s->out + o0, s->stage + o0, s->row_out, d->depth);
    }
}

#endif
