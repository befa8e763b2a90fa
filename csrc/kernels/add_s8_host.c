/*
 * ADD and SUB int8 on AVX2, the host twin of micro_add_s8 (add_s8.c, its oracle: same
 * bytes). Rows of the broadcast walk go 8 elements at a time: both inputs' bytes (read
 * with their strides, through a small buffer when not contiguous or at a row's end) index
 * their tables with one gather each, and the reference's requantization runs on 8 lanes.
 * On CPUs with AVX-512BW rows go 16 elements at a time and each table is read without a
 * gather (VPGATHERDD, which microcode mitigations have made slow on many CPUs): its 256
 * entries are 8 runs of 32, VPERMT2D picks an element's entry in each run by the byte's low
 * 5 bits, and three masked blends by its bits 5, 6, 7 keep the one of its run.
 * Elements are written after they are read, in order, as the reference does, so its
 * overlap rule holds.
 */
#include "micro/kernels/add_s8_host.h"

#include <string.h>

#include "avx512.h"
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

/* table[idx] for 16 indices 0..255 (see above). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i lookup16(const int32_t *table, __m512i idx)
{
    __m512i r[8];
    for (int32_t q = 0; q < 8; ++q) {
        r[q] = _mm512_permutex2var_epi32(_mm512_loadu_si512(table + 32 * q), idx,
                                         _mm512_loadu_si512(table + 32 * q + 16));
    }
    const __mmask16 b5 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
    const __mmask16 b6 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(64));
    const __mmask16 b7 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(128));
    const __m512i s0 = _mm512_mask_blend_epi32(b5, r[0], r[1]);
    const __m512i s1 = _mm512_mask_blend_epi32(b5, r[2], r[3]);
    const __m512i s2 = _mm512_mask_blend_epi32(b5, r[4], r[5]);
    const __m512i s3 = _mm512_mask_blend_epi32(b5, r[6], r[7]);
    return _mm512_mask_blend_epi32(b7, _mm512_mask_blend_epi32(b6, s0, s1),
                                   _mm512_mask_blend_epi32(b6, s2, s3));
}

/* 16 bytes from src, `stride` apart, as 16 indices 0..255 (zero past n). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i indices16(const int8_t *src, int32_t stride,
                                                            int32_t n)
{
    const __mmask16 mask = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    if (stride == 1) {
        return _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, src));
    }
    if (stride == 0) {
        return _mm512_maskz_mov_epi32(mask, _mm512_set1_epi32((uint8_t)src[0]));
    }
    uint8_t lanes[16] = {0};
    for (int32_t i = 0; i < n && i < 16; ++i) {
        lanes[i] = (uint8_t)src[(int64_t)i * stride];
    }
    return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)lanes));
}

MICRO_AVX512_FN static void add_row512(const void *ctx, const void *input1, int32_t stride_a,
                                       const void *input2, int32_t stride_b, void *output,
                                       int32_t n)
{
    const add_ctx_t *c = ctx;
    const micro_add_s8_params_t *p = c->p;
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    const __m512i mult = _mm512_set1_epi32(p->output_multiplier);
    const __m512i shift = _mm512_set1_epi32(p->output_shift);
    const __m512i zp = _mm512_set1_epi32(p->output_zp);
    const __m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
    for (int32_t i = 0; i < n; i += 16) {
        const int32_t m = n - i < 16 ? n - i : 16;
        const __m512i ia = indices16(a + (int64_t)i * stride_a, stride_a, m);
        const __m512i ib = indices16(b + (int64_t)i * stride_b, stride_b, m);
        const __m512i sum = _mm512_add_epi32(lookup16(c->table1, ia), lookup16(c->table2, ib));
        const __m512i r = micro_requantize16(sum, mult, shift, zp, lo, hi);
        _mm_mask_storeu_epi8(out + i, m >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << m) - 1),
                             _mm512_cvtsepi32_epi8(r));
    }
}

/* The element count when both inputs are dense and row-major (strides those of the
 * dims, none 0 unless its dim is 1) and it fits a row's int32 length, else 0. */
static int64_t dense(const micro_broadcast_t *layout)
{
    int64_t count = 1;
    for (int32_t d = layout->rank - 1; d >= 0; --d) {
        const int32_t dim = layout->dims[d];
        if (dim != 1 && (layout->stride1[d] != count || layout->stride2[d] != count)) {
            return 0;
        }
        count *= dim;
    }
    return count <= INT32_MAX ? count : 0;
}

#endif

/* The variant micro_add_s8_host may run at most (micro_add_s8_host_variant). */
static int32_t variant_cap = 2;

int32_t micro_add_s8_host_variant(int32_t cap)
{
    return micro_host_variant(&variant_cap, cap, 2);
}

micro_status_t micro_add_s8_host(const micro_add_s8_params_t *p, const int8_t *input1,
                                 const int8_t *input2, const int32_t *table1,
                                 const int32_t *table2, const int32_t *sums, int8_t *output)
{
#if MICRO_HOST_SIMD
    const int32_t variant = micro_add_s8_host_variant(-1);
    if (variant >= 1) {
        const add_ctx_t ctx = {p, table1, table2};
        const micro_row_fn row = variant >= 2 ? add_row512 : add_row;
        const int64_t count = dense(&p->broadcast);
        if (count > 0) { /* both inputs dense, row-major: one row of every element */
            row(&ctx, input1, 1, input2, 1, output, (int32_t)count);
        } else {
            micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, row, &ctx);
        }
        return MICRO_OK;
    }
#endif
    return micro_add_s8(p, input1, input2, table1, table2, sums, output);
}
