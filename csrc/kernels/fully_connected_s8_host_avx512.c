/*
 * FULLY_CONNECTED int8 on AVX-512 (BW + VL, and VNNI where present): the 512-bit variants
 * of the host twin micro_fully_connected_s8_host (fully_connected_s8_host.c), which
 * chooses them at run time; same bytes as micro_fully_connected_s8 (fully_connected_s8.c),
 * the oracle. Row-major filter (layout 0, the host's) only.
 *
 * Per batch row, outputs go 16 at a time (a block): the block's 16 filter rows meet the
 * input 64 values at a time, each row's products added into its own 16-lane accumulator;
 * after the last values the 16 accumulators are folded into one vector (lane r: row r's
 * sum) and requantized together (micro_requantize16, avx512.h). The last K mod 64 values
 * are read with masked loads (zeros: no product), so nothing past the input or a row is
 * read.
 *
 * VNNI: VPDPBUSD multiplies unsigned bytes by signed bytes, four per 32-bit lane, and adds
 * the four products to the lane. The filter is read in place, not packed (each weight is
 * used once per batch row: a pass to pack the rows or to sum them would cost as much as
 * the products), so the unsigned operand is the weights, offset to u8 as they are loaded
 * (v = w XOR 0x80 = w + 128: 0..255), and the input is the signed one:
 *   sum_k x_k * w_k = sum_k v_k * x_k - 128 * sum_k x_k,
 * the second term one number per batch row, folded with the filter zero point's term
 * (filter_zp * sum x) into the correction subtracted from every sum. Overflow: each
 * product is within 255 * 128 = 32,640 in size; VPDPBUSD (unlike VPDPBUSDS) never
 * saturates, it adds the four products then the lane modulo 2^32, and the correction is
 * formed and subtracted in the same arithmetic, so the result is the reference's sum
 * modulo 2^32 (the reference's own sums wrap modulo 2^32) for any K; no lane even wraps
 * while K <= 65,793 (65,793 * 32,640 < 2^31).
 * BW (no VNNI): input and weights widened to int16, VPMADDWD then VPADDD, no offset.
 *
 * A last block of m < 16 outputs re-reads row m - 1 for its missing rows, loads the bias,
 * multiplier and shift with masks and stores m bytes with a mask; a single output left
 * alone is one row's dot (one accumulator, summed across its lanes) and the reference's
 * requantization. Batch rows, and outputs within one, are written in the reference's
 * order after the input row they need is read, so its overlap rule holds. Nothing large is
 * on the stack (the frame is the accumulators and a few constants).
 */
#include "avx512.h"
#include "fully_connected_s8_host_row.h"
#include "requant.h"

#if MICRO_HOST_SIMD

#define ROWS 16 /* outputs per block: one 16-lane accumulator each */

/* acc plus the products of 64 input values (xv) with 64 weights (wv), per 4 in a lane.
 * VNNI: VPDPBUSD on the weights offset to u8 (see above), as asm so that one source
 * serves both variants (as an intrinsic it would need the VNNI target on every function
 * it is inlined into; `vnni` is a constant at each call). BW: both widened to int16 in
 * halves (xlo, xhi: the input's, widened once per 64 values for all rows). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i dot64(__m512i acc, __m512i xv, __m512i xlo,
                                                        __m512i xhi, __m512i wv, int vnni)
{
    if (vnni) {
        const __m512i v = _mm512_xor_si512(wv, _mm512_set1_epi8((char)0x80));
        __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(v), "v"(xv));
        return acc;
    }
    (void)xv;
    const __m512i lo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(wv));
    const __m512i hi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(wv, 1));
    return _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_madd_epi16(xlo, lo),
                                                  _mm512_madd_epi16(xhi, hi)));
}

/* 64 bytes at p, or with a mask the masked ones (zeros elsewhere, nothing else read). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i load64(const int8_t *p, __mmask64 mask, int full)
{
    return full ? _mm512_loadu_si512((const void *)p) : _mm512_maskz_loadu_epi8(mask, p);
}

/* acc[r] plus the products of the input's 64 values from k (fewer with a mask) with row
 * r's (w + o[r]), for the 16 rows. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void step16(__m512i *acc, const int8_t *x,
                                                       const int8_t *w, const int64_t *o,
                                                       __mmask64 mask, int full, int vnni)
{
    const __m512i xv = load64(x, mask, full);
    __m512i xlo = xv, xhi = xv;
    if (!vnni) {
        xlo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(xv));
        xhi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(xv, 1));
    }
    for (int32_t r = 0; r < ROWS; ++r) {
        acc[r] = dot64(acc[r], xv, xlo, xhi, load64(w + o[r], mask, full), vnni);
    }
}

/* The 16 accumulators' lane sums as one vector, lane r holding acc[r]'s: pairs of rows
 * interleaved and added (32-bit, then 64-bit unpacks), then the four 128-bit lanes of
 * each group of 4 rows added through two rounds of lane shuffles. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i fold16(const __m512i *a)
{
    __m512i b[8], c[4];
    for (int32_t i = 0; i < 8; ++i) { /* in each 128-bit lane: rows 2i, 2i+1, 2i, 2i+1 */
        b[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(a[2 * i], a[2 * i + 1]),
                                _mm512_unpackhi_epi32(a[2 * i], a[2 * i + 1]));
    }
    for (int32_t j = 0; j < 4; ++j) { /* in each 128-bit lane: rows 4j .. 4j+3 */
        c[j] = _mm512_add_epi32(_mm512_unpacklo_epi64(b[2 * j], b[2 * j + 1]),
                                _mm512_unpackhi_epi64(b[2 * j], b[2 * j + 1]));
    }
    /* d0: lanes (c0: 0+1, 2+3; c1: 0+1, 2+3); d1 likewise for c2, c3. */
    const __m512i d0 = _mm512_add_epi32(_mm512_shuffle_i32x4(c[0], c[1], 0x88),
                                        _mm512_shuffle_i32x4(c[0], c[1], 0xDD));
    const __m512i d1 = _mm512_add_epi32(_mm512_shuffle_i32x4(c[2], c[3], 0x88),
                                        _mm512_shuffle_i32x4(c[2], c[3], 0xDD));
    /* Lane j (128 bits): group j's four rows, whole. */
    return _mm512_add_epi32(_mm512_shuffle_i32x4(d0, d1, 0x88),
                            _mm512_shuffle_i32x4(d0, d1, 0xDD));
}

/* The m (1..16) outputs from n0 of a batch row: sums, correction, bias, requantization,
 * clamp, stores (see above for m < 16). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void block(const fc_row_t *row, int32_t n0,
                                                      int32_t m, int vnni)
{
    const micro_fully_connected_s8_params_t *p = row->p;
    const int32_t depth = p->input_depth, whole = depth & ~63;
    const int8_t *w = row->filter + (int64_t)n0 * depth;
    int64_t o[ROWS];
    for (int32_t r = 0; r < ROWS; ++r) {
        o[r] = (int64_t)(r < m ? r : m - 1) * depth;
    }
    __m512i acc[ROWS];
    for (int32_t r = 0; r < ROWS; ++r) {
        acc[r] = _mm512_setzero_si512();
    }
    for (int32_t k = 0; k < whole; k += 64) {
        step16(acc, row->x + k, w + k, o, 0, 1, vnni);
    }
    if (whole < depth) {
        const __mmask64 tail = (UINT64_C(1) << (depth - whole)) - 1;
        step16(acc, row->x + whole, w + whole, o, tail, 0, vnni);
    }
    const __mmask16 lanes = (__mmask16)((1u << m) - 1);
    const __m512i bias = _mm512_maskz_loadu_epi32(lanes, row->bias + n0);
    __m512i vm, vs;
    if (p->per_channel != 1) { /* one multiplier and shift: their arrays hold one value */
        vm = _mm512_set1_epi32(row->multiplier[0]);
        vs = _mm512_set1_epi32(row->shift[0]);
    } else {
        vm = _mm512_maskz_loadu_epi32(lanes, row->multiplier + n0);
        vs = _mm512_maskz_loadu_epi32(lanes, row->shift + n0);
    }
    const __m512i total = _mm512_add_epi32(
        _mm512_sub_epi32(fold16(acc), _mm512_set1_epi32((int32_t)row->correction)), bias);
    const __m512i v = micro_requantize16(total, vm, vs, _mm512_set1_epi32(p->output_zp),
                                         _mm512_set1_epi32(p->act_min),
                                         _mm512_set1_epi32(p->act_max));
    /* 16 int8 (inside [-128, 127]: the saturating narrowing keeps them). */
    _mm_mask_storeu_epi8(row->out + n0, lanes, _mm512_cvtsepi32_epi8(v));
}

/* Output n alone: one accumulator, its lanes summed, the reference's requantization. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void one(const fc_row_t *row, int32_t n, int vnni)
{
    const micro_fully_connected_s8_params_t *p = row->p;
    const int32_t depth = p->input_depth, whole = depth & ~63, c = p->per_channel == 1 ? n : 0;
    const int8_t *w = row->filter + (int64_t)n * depth;
    __m512i acc = _mm512_setzero_si512();
    for (int32_t k = 0; k < depth; k += 64) {
        const int full = k < whole;
        const __mmask64 mask = full ? ~UINT64_C(0) : (UINT64_C(1) << (depth - whole)) - 1;
        const __m512i xv = load64(row->x + k, mask, full);
        __m512i xlo = xv, xhi = xv;
        if (!vnni) {
            xlo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(xv));
            xhi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(xv, 1));
        }
        acc = dot64(acc, xv, xlo, xhi, load64(w + k, mask, full), vnni);
    }
    const uint32_t sum = (uint32_t)_mm512_reduce_add_epi32(acc);
    const int32_t total = (int32_t)(sum - row->correction + (uint32_t)row->bias[n]);
    const int32_t v = micro_requantize_zp(total, row->multiplier[c], row->shift[c], p->output_zp);
    row->out[n] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
}

/* The sum of x's n values (mod 2^32). */
MICRO_AVX512_FN static uint32_t sum_of(const int8_t *x, int32_t n)
{
    __m512i acc = _mm512_setzero_si512();
    int32_t k = 0;
    for (; k + 16 <= n; k += 16) {
        acc = _mm512_add_epi32(acc, _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(x + k))));
    }
    uint32_t sum = (uint32_t)_mm512_reduce_add_epi32(acc);
    for (; k < n; ++k) {
        sum += (uint32_t)x[k];
    }
    return sum;
}

MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void run(const micro_fully_connected_s8_params_t *p,
                                                    const int8_t *input, const int8_t *filter,
                                                    const int32_t *bias,
                                                    const int32_t *multiplier,
                                                    const int32_t *shift, int8_t *output,
                                                    int vnni)
{
    const int32_t depth = p->input_depth, out_depth = p->output_depth;
    const int32_t blocks = out_depth & ~(ROWS - 1);
    /* Subtracted from every sum: filter_zp * sum x, plus 128 * sum x for VNNI's offset. */
    const uint32_t factor = (uint32_t)p->filter_zp + (vnni ? 128u : 0u);
    fc_row_t row = {p, input, filter, bias, multiplier, shift, output, 0};
    for (int32_t b = 0; b < p->batches; ++b) {
        row.x = input + (int64_t)b * depth;
        row.out = output + (int64_t)b * out_depth;
        row.correction = factor != 0 ? factor * sum_of(row.x, depth) : 0;
        for (int32_t n0 = 0; n0 < blocks; n0 += ROWS) {
            block(&row, n0, ROWS, vnni);
        }
        if (out_depth - blocks == 1) {
            one(&row, blocks, vnni);
        } else if (blocks < out_depth) {
            block(&row, blocks, out_depth - blocks, vnni);
        }
    }
}

MICRO_AVX512_FN static void run_bw(const micro_fully_connected_s8_params_t *p,
                                   const int8_t *input, const int8_t *filter,
                                   const int32_t *bias, const int32_t *multiplier,
                                   const int32_t *shift, int8_t *output)
{
    run(p, input, filter, bias, multiplier, shift, output, 0);
}

MICRO_AVX512_FN static void run_vnni(const micro_fully_connected_s8_params_t *p,
                                     const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, const int32_t *multiplier,
                                     const int32_t *shift, int8_t *output)
{
    run(p, input, filter, bias, multiplier, shift, output, 1);
}

void micro_fully_connected_s8_avx512(const micro_fully_connected_s8_params_t *p,
                                     const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, const int32_t *multiplier,
                                     const int32_t *shift, int8_t *output, int vnni)
{
    (vnni ? run_vnni : run_bw)(p, input, filter, bias, multiplier, shift, output);
}

#endif
