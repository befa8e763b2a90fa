/*
 * ADD and SUB int8 on AVX2, the host twin of micro_add_s8 (add_s8.c, its oracle: same
 * bytes). Rows of the broadcast walk go 8 elements at a time: both inputs' bytes (read
 * with their strides, through a small buffer when not contiguous or at a row's end) index
 * their tables with one gather each, and the reference's requantization runs on 8 lanes.
 * Elements are written after they are read, in order, as the reference does, so its
 * overlap rule holds.
 */
#include "micro/kernels/add_s8_host.h"

#include <string.h>

#include "avx2.h"
#include "broadcast_loop.h"

#if MICRO_HOST_SIMD

typedef struct {
    const micro_add_s8_params_t *p;
    const int32_t *table1, *table2;
} add_ctx_t;

/* 8 bytes from src, `stride` apart, or fewer (n < 8) then zeros. */
static inline int64_t bytes8(const int8_t *src, int32_t stride, int32_t n)
{
    int8_t lanes[8] = {0};
    if (stride == 1 && n >= 8) {
        memcpy(lanes, src, 8);
    } else {
        for (int32_t i = 0; i < n && i < 8; ++i) {
            lanes[i] = src[(int64_t)i * stride];
        }
    }
    int64_t bits;
    memcpy(&bits, lanes, 8);
    return bits;
}

MICRO_AVX2_FN static void add_row(const void *ctx, const void *input1, int32_t stride_a,
                                  const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const add_ctx_t *c = ctx;
    const micro_add_s8_params_t *p = c->p;
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    const __m256i mult = _mm256_set1_epi32(p->output_multiplier);
    const __m256i shift = _mm256_set1_epi32(p->output_shift);
    const __m256i zp = _mm256_set1_epi32(p->output_zp);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    for (int32_t i = 0; i < n; i += 8) {
        const int32_t m = n - i < 8 ? n - i : 8;
        const __m256i ia = _mm256_cvtepu8_epi32(
            _mm_cvtsi64_si128(bytes8(a + (int64_t)i * stride_a, stride_a, m)));
        const __m256i ib = _mm256_cvtepu8_epi32(
            _mm_cvtsi64_si128(bytes8(b + (int64_t)i * stride_b, stride_b, m)));
        const __m256i sum = _mm256_add_epi32(_mm256_i32gather_epi32(c->table1, ia, 4),
                                             _mm256_i32gather_epi32(c->table2, ib, 4));
        const __m128i bytes =
            micro_narrow16(micro_requantize8(sum, mult, shift, zp, lo, hi), _mm256_setzero_si256());
        if (m == 8) {
            _mm_storel_epi64((__m128i *)(out + i), bytes);
        } else {
            int8_t tmp[16];
            _mm_storeu_si128((__m128i *)tmp, bytes);
            memcpy(out + i, tmp, (size_t)m);
        }
    }
}

#endif

micro_status_t micro_add_s8_host(const micro_add_s8_params_t *p, const int8_t *input1,
                                 const int8_t *input2, const int32_t *table1,
                                 const int32_t *table2, const int32_t *sums, int8_t *output)
{
#if MICRO_HOST_SIMD
    if (micro_avx2()) {
        const add_ctx_t ctx = {p, table1, table2};
        micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row, &ctx);
        return MICRO_OK;
    }
#endif
    return micro_add_s8(p, input1, input2, table1, table2, sums, output);
}
