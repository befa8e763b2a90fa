/*
 * FULLY_CONNECTED int8 on AVX2, the host twin of micro_fully_connected_s8
 * (fully_connected_s8.c, its oracle: same bytes), for the row-major filter (layout 0, which
 * the compiler writes for the host). Per input row, filter rows go 4 at a time:
 * 16 inputs and 16 weights per row sign-extended to int16 and multiplied in pairs
 * (VPMADDWD) into 8-lane int32 sums, the tail (K mod 16) added in scalar; the lanes are
 * summed at the end. Sums wrap modulo 2^32, as the reference's do, so the order of the
 * additions changes no bit. Outputs are requantized 8 at a time. Rows and outputs are
 * written in the reference's order, so its overlap rule holds.
 */
#include "micro/kernels/fully_connected_s8_host.h"

#include <string.h>

#include "avx2.h"

#if MICRO_HOST_SIMD

#define ROWS 4
#define OUTS 8 /* outputs requantized at once */

/* Sum of the 8 lanes, wrapping. */
MICRO_AVX2_FN static inline uint32_t lanes_sum(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(s);
}

/* sums[r] = x . w_r (mod 2^32) for the `rows` (<= 4) filter rows from w, `depth` apart. */
MICRO_AVX2_FN static void dot_rows(const int8_t *x, const int8_t *w, int32_t depth, int32_t rows,
                                   uint32_t *sums)
{
    __m256i acc[ROWS] = {_mm256_setzero_si256(), _mm256_setzero_si256(),
                         _mm256_setzero_si256(), _mm256_setzero_si256()};
    const int32_t whole = depth & ~15;
    for (int32_t k = 0; k < whole; k += 16) {
        const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + k)));
        for (int32_t r = 0; r < ROWS; ++r) {
            const int8_t *wr = w + (int64_t)(r < rows ? r : 0) * depth + k;
            const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)wr));
            acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(xv, wv));
        }
    }
    for (int32_t r = 0; r < rows; ++r) {
        uint32_t s = lanes_sum(acc[r]);
        const int8_t *wr = w + (int64_t)r * depth;
        for (int32_t k = whole; k < depth; ++k) {
            s += (uint32_t)((int32_t)x[k] * (int32_t)wr[k]);
        }
        sums[r] = s;
    }
}

/* x . w over n (< 16) values, modulo 2^32. */
static inline uint32_t dot_small(const int8_t *x, const int8_t *w, int32_t n)
{
    uint32_t s = 0;
    for (int32_t k = 0; k < n; ++k) {
        s += (uint32_t)((int32_t)x[k] * (int32_t)w[k]);
    }
    return s;
}

MICRO_AVX2_FN static void fully_connected_avx2(const micro_fully_connected_s8_params_t *p,
                                               const int8_t *input, const int8_t *filter,
                                               const int32_t *bias, const int32_t *multiplier,
                                               const int32_t *shift, int8_t *output)
{
    const int32_t depth = p->input_depth, out_depth = p->output_depth;
    const __m256i zp = _mm256_set1_epi32(p->output_zp);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    const __m256i mult_all = _mm256_set1_epi32(multiplier[0]);
    const __m256i shift_all = _mm256_set1_epi32(shift[0]);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *row = input + (int64_t)b * depth;
        int8_t *out = output + (int64_t)b * out_depth;
        uint32_t row_sum = 0;
        if (p->filter_zp != 0) {
            for (int32_t k = 0; k < depth; ++k) {
                row_sum += (uint32_t)row[k];
            }
        }
        const uint32_t zp_term = (uint32_t)p->filter_zp * row_sum;
        for (int32_t n0 = 0; n0 < out_depth; n0 += OUTS) {
            const int32_t m = out_depth - n0 < OUTS ? out_depth - n0 : OUTS;
            uint32_t sums[OUTS] = {0};
            int32_t acc[OUTS] = {0}, mult[OUTS] = {0}, sh[OUTS] = {0};
            if (depth < 16) {
                /* No 16-wide group: plain dots (a tiny layer's whole cost was the vector
                 * accumulators' setup and reductions). */
                for (int32_t j = 0; j < m; ++j) {
                    sums[j] = dot_small(row, filter + (int64_t)(n0 + j) * depth, depth);
                }
            } else {
                for (int32_t r = 0; r < m; r += ROWS) {
                    const int32_t rows = m - r < ROWS ? m - r : ROWS;
                    dot_rows(row, filter + (int64_t)(n0 + r) * depth, depth, rows, sums + r);
                }
            }
            for (int32_t j = 0; j < m; ++j) {
                acc[j] = (int32_t)(sums[j] - zp_term + (uint32_t)bias[n0 + j]);
            }
            __m256i vm = mult_all, vs = shift_all;
            if (p->per_channel) {
                for (int32_t j = 0; j < m; ++j) {
                    mult[j] = multiplier[n0 + j];
                    sh[j] = shift[n0 + j];
                }
                vm = _mm256_loadu_si256((const __m256i *)mult);
                vs = _mm256_loadu_si256((const __m256i *)sh);
            }
            const __m256i v =
                micro_requantize8(_mm256_loadu_si256((const __m256i *)acc), vm, vs, zp, lo, hi);
            int8_t bytes[16];
            _mm_storeu_si128((__m128i *)bytes, micro_narrow16(v, _mm256_setzero_si256()));
            if (m == OUTS) {
                memcpy(out + n0, bytes, OUTS);
            } else {
                memcpy(out + n0, bytes, (size_t)m);
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
