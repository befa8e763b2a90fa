/*
 * FULLY_CONNECTED int8 on AVX2, the host twin of micro_fully_connected_s8
 * (fully_connected_s8.c, its oracle: same bytes), for the row-major filter (layout 0, which
 * the compiler writes for the host). Outputs go 8 at a time, their sums in one vector:
 * with K >= 16, each of the 8 filter rows meets the input 16 values at a time
 * (sign-extended to int16, multiplied in pairs by VPMADDWD into 8 int32 lanes), the 8 rows'
 * lanes are folded into one vector by horizontal adds and the tail (K mod 16) added in
 * scalar; with K < 16 (tiny layers, where a vector setup would cost more than the dots)
 * plain scalar dots. Sums wrap modulo 2^32, as the reference's do, so the order of the
 * additions changes no bit. The 8 sums are requantized together; bias and per-channel
 * arrays are read with masked loads, so a last group of fewer than 8 reads nothing past
 * them, and nothing is zeroed or copied per call. Rows and outputs are written in the
 * reference's order, so its overlap rule holds.
 */
#include "micro/kernels/fully_connected_s8_host.h"

#include <string.h>

#include "avx2.h"

#if MICRO_HOST_SIMD

#define OUTS 8 /* outputs computed and requantized at once */

/* s[r] += x[k] * w_r[k] for k in [k0, k1) and the 8 rows w_r (mod 2^32): per value of x,
 * one fixed run over the rows, no per-call vector setup. */
static inline void dot8_scalar(const int8_t *x, const int8_t *const *w, int32_t k0,
                               int32_t k1, uint32_t *s)
{
    for (int32_t k = k0; k < k1; ++k) {
        const int32_t xk = x[k];
        for (int32_t r = 0; r < OUTS; ++r) {
            s[r] += (uint32_t)(xk * (int32_t)w[r][k]);
        }
    }
}

/* The 8 rows from w, `depth` apart; rows r >= `rows` re-read row 0 (their lanes are
 * dropped). */
static inline void rows_of(const int8_t *w, int32_t depth, int32_t rows, const int8_t **wr)
{
    for (int32_t r = 0; r < OUTS; ++r) {
        wr[r] = w + (int64_t)(r < rows ? r : 0) * depth;
    }
}

/* The 8 lanes of x . w_r (mod 2^32) for the 8 rows wr of `depth` (>= 16) values. */
MICRO_AVX2_FN static __m256i dot_rows(const int8_t *x, const int8_t *const *wr, int32_t depth)
{
    __m256i acc[OUTS];
    for (int32_t r = 0; r < OUTS; ++r) {
        acc[r] = _mm256_setzero_si256();
    }
    const int32_t whole = depth & ~15;
    for (int32_t k = 0; k < whole; k += 16) {
        const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + k)));
        for (int32_t r = 0; r < OUTS; ++r) {
            const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wr[r] + k)));
            acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(xv, wv));
        }
    }
    /* Fold: after three rounds of pairwise horizontal adds, lane r of each 128-bit half
     * holds half of row r's (r mod 4) sum; the two halves' rows 0-3 and 4-7 are added. */
    const __m256i h01 = _mm256_hadd_epi32(acc[0], acc[1]), h23 = _mm256_hadd_epi32(acc[2], acc[3]);
    const __m256i h45 = _mm256_hadd_epi32(acc[4], acc[5]), h67 = _mm256_hadd_epi32(acc[6], acc[7]);
    const __m256i lo = _mm256_hadd_epi32(h01, h23), hi = _mm256_hadd_epi32(h45, h67);
    __m256i sums = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x20),
                                    _mm256_permute2x128_si256(lo, hi, 0x31));
    if (whole < depth) {
        uint32_t tail[OUTS] = {0};
        dot8_scalar(x, wr, whole, depth, tail);
        sums = _mm256_add_epi32(sums, _mm256_loadu_si256((const __m256i *)tail));
    }
    return sums;
}

MICRO_AVX2_FN static void fully_connected_avx2(const micro_fully_connected_s8_params_t *p,
                                               const int8_t *input, const int8_t *filter,
                                               const int32_t *bias, const int32_t *multiplier,
                                               const int32_t *shift, int8_t *output)
{
    const int32_t depth = p->input_depth, out_depth = p->output_depth;
    const __m256i zp = _mm256_set1_epi32(p->output_zp);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i vm = _mm256_set1_epi32(multiplier[0]), vs = _mm256_set1_epi32(shift[0]);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *row = input + (int64_t)b * depth;
        int8_t *out = output + (int64_t)b * out_depth;
        uint32_t row_sum = 0;
        if (p->filter_zp != 0) {
            for (int32_t k = 0; k < depth; ++k) {
                row_sum += (uint32_t)row[k];
            }
        }
        const __m256i zp_term = _mm256_set1_epi32((int32_t)((uint32_t)p->filter_zp * row_sum));
        for (int32_t n0 = 0; n0 < out_depth; n0 += OUTS) {
            const int32_t m = out_depth - n0 < OUTS ? out_depth - n0 : OUTS;
            const int8_t *wr[OUTS];
            rows_of(filter + (int64_t)n0 * depth, depth, m, wr);
            __m256i sums;
            if (depth < 16) {
                uint32_t s[OUTS] = {0};
                dot8_scalar(row, wr, 0, depth, s);
                sums = _mm256_loadu_si256((const __m256i *)s);
            } else {
                sums = dot_rows(row, wr, depth);
            }
            /* Lanes < m are this group's outputs; masked loads read nothing past them. */
            const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(m), lane);
            const __m256i vb = _mm256_maskload_epi32(bias + n0, mask);
            if (p->per_channel) {
                vm = _mm256_maskload_epi32(multiplier + n0, mask);
                vs = _mm256_maskload_epi32(shift + n0, mask);
            }
            const __m256i acc = _mm256_add_epi32(_mm256_sub_epi32(sums, zp_term), vb);
            const __m256i v = micro_requantize8(acc, vm, vs, zp, lo, hi);
            const __m128i bytes = micro_narrow16(v, _mm256_setzero_si256());
            if (m == OUTS) {
                _mm_storel_epi64((__m128i *)(out + n0), bytes);
            } else {
                int8_t last[16];
                _mm_storeu_si128((__m128i *)last, bytes);
                memcpy(out + n0, last, (size_t)m);
            }
        }
    }
}

#endif

micro_status_t micro_fully_connected_s8_host(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *input, const int8_t *filter,
                                             const int32_t *bias, const int32_t *multiplier,
                                             const int32_t *shift, int16_t *scratch,
                                             int8_t *output)
{
#if MICRO_HOST_SIMD
    if (p->filter_layout == 0 && micro_avx2()) {
        fully_connected_avx2(p, input, filter, bias, multiplier, shift, output);
        return MICRO_OK;
    }
#endif
    return micro_fully_connected_s8(p, input, filter, bias, multiplier, shift, scratch, output);
}
