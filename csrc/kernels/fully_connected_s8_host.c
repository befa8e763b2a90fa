/*
 * FULLY_CONNECTED int8 on AVX2, the host twin of micro_fully_connected_s8
 * (fully_connected_s8.c, its oracle: same bytes), for the row-major filter (layout 0, which
 * the compiler writes for the host); on CPUs with AVX-512BW it runs the 512-bit variant
 * instead, with AVX512_VNNI its byte variant (fully_connected_s8_host_avx512.c). Outputs go 8 at a time, their sums in one vector:
 * with K >= 16, each of the 8 filter rows meets the input 16 values at a time
 * (sign-extended to int16, multiplied in pairs by VPMADDWD into 8 int32 lanes), the 8 rows'
 * lanes are folded into one vector by horizontal adds and the tail (K mod 16) added as with
 * K < 16: per input value, the column of 8 weights gathered into a vector and multiplied by
 * it. Sums wrap modulo 2^32, as the reference's do, so the order of the additions changes
 * no bit. The 8 sums are requantized together; a last group of fewer than 8 re-reads its
 * last row for the missing ones, reads the bias and per-channel arrays with masked loads
 * and stores its bytes one by one, so nothing past the arrays is touched; a single last
 * output is computed alone with the reference's requantization. Each group is a call of
 * its own taking a batch row's operands in one struct, so a tiny layer (hello_world's)
 * pays no setup it does not use. Rows and outputs are written in the reference's order,
 * so its overlap rule holds.
 */
#include "micro/kernels/fully_connected_s8_host.h"

#include "avx512.h"
#include "fully_connected_s8_host_row.h"
#include "requant.h"

#if MICRO_HOST_SIMD

#define OUTS 8 /* outputs computed and requantized at once */

/* Lane r: x . w_r (mod 2^32) over n (< 16) values, for the 8 rows w_r = w + o[r]: per input
 * value, its 8 weights gathered into one vector (scalar loads) and multiplied by the
 * value, where widening 16 values at a time would cost more than the products. */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE __m256i dot8_short(const int8_t *x, const int8_t *w,
                                                           const int64_t *o, int32_t n)
{
    __m256i sums = _mm256_setzero_si256();
    for (int32_t k = 0; k < n; ++k) {
        const int8_t *c = w + k;
        const __m256i col = _mm256_setr_epi32(c[o[0]], c[o[1]], c[o[2]], c[o[3]], c[o[4]],
                                              c[o[5]], c[o[6]], c[o[7]]);
        sums = _mm256_add_epi32(sums, _mm256_mullo_epi32(col, _mm256_set1_epi32(x[k])));
    }
    return sums;
}

/* acc plus the product of 16 values of x (sign-extended to int16 in xv) with 16 of w, added
 * in pairs (VPMADDWD) into 8 int32 lanes. */
#define MADD16(acc, xv, w) \
    _mm256_add_epi32(acc, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16( \
                                                    _mm_loadu_si128((const __m128i *)(w)))))

/* Lane r: x . w_r (mod 2^32) over `depth` (>= 16) values, for the 8 rows w_r = w + o[r]:
 * 16 values at a time into 8 lanes per row, the rows' lanes folded into one vector, plus
 * the tail (depth mod 16). */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE __m256i dot8_long(const int8_t *x, const int8_t *w,
                                                          const int64_t *o, int32_t depth)
{
    const int32_t whole = depth & ~15;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
    __m256i a7 = a0;
    for (int32_t k = 0; k < whole; k += 16) {
        const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + k)));
        const int8_t *c = w + k;
        a0 = MADD16(a0, xv, c + o[0]);
        a1 = MADD16(a1, xv, c + o[1]);
        a2 = MADD16(a2, xv, c + o[2]);
        a3 = MADD16(a3, xv, c + o[3]);
        a4 = MADD16(a4, xv, c + o[4]);
        a5 = MADD16(a5, xv, c + o[5]);
        a6 = MADD16(a6, xv, c + o[6]);
        a7 = MADD16(a7, xv, c + o[7]);
    }
    /* Fold: after three rounds of pairwise horizontal adds, lane r of each 128-bit half
     * holds half of row r's (r mod 4) sum; the two halves' rows 0-3 and 4-7 are added. */
    const __m256i lo = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    const __m256i hi = _mm256_hadd_epi32(_mm256_hadd_epi32(a4, a5), _mm256_hadd_epi32(a6, a7));
    const __m256i sums = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x20),
                                          _mm256_permute2x128_si256(lo, hi, 0x31));
    if (whole == depth) {
        return sums;
    }
    return _mm256_add_epi32(sums, dot8_short(x + whole, w + whole, o, depth - whole));
}

/* The m (1..8) outputs from n0 of a batch row: dots, bias, requantization, clamp, stores.
 * Rows past m re-read row m - 1 and their lanes are dropped; the per-output arrays are
 * read with masked loads and the bytes stored one by one, so nothing past the arrays is
 * touched. Inlined into group8 (m = 8: every row offset a constant multiple of depth, plain
 * loads) and group_last. */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE void group(const fc_row_t *row, int32_t n0, int32_t m)
{
    const micro_fully_connected_s8_params_t *p = row->p;
    const int32_t depth = p->input_depth;
    const int8_t *w = row->filter + (int64_t)n0 * depth;
    int64_t o[OUTS];
    for (int32_t r = 0; r < OUTS; ++r) {
        o[r] = (int64_t)(r < m ? r : m - 1) * depth;
    }
    const __m256i sums =
        depth < 16 ? dot8_short(row->x, w, o, depth) : dot8_long(row->x, w, o, depth);
    const int32_t c = p->per_channel == 1 ? n0 : 0;
    __m256i vb, vm, vs;
    const __m256i mask =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(m), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    vb = m == OUTS ? _mm256_loadu_si256((const __m256i *)(row->bias + n0))
                   : _mm256_maskload_epi32(row->bias + n0, mask);
    if (p->per_channel != 1) {
        /* One multiplier and shift: their arrays hold one value, never read past it. */
        vm = _mm256_set1_epi32(row->multiplier[0]);
        vs = _mm256_set1_epi32(row->shift[0]);
    } else if (m == OUTS) {
        vm = _mm256_loadu_si256((const __m256i *)(row->multiplier + c));
        vs = _mm256_loadu_si256((const __m256i *)(row->shift + c));
    } else {
        vm = _mm256_maskload_epi32(row->multiplier + c, mask);
        vs = _mm256_maskload_epi32(row->shift + c, mask);
    }
    const __m256i acc =
        _mm256_add_epi32(_mm256_sub_epi32(sums, _mm256_set1_epi32((int32_t)row->correction)), vb);
    const __m256i v =
        micro_requantize8(acc, vm, vs, _mm256_set1_epi32(p->output_zp),
                          _mm256_set1_epi32(p->act_min), _mm256_set1_epi32(p->act_max));
    const __m128i bytes = micro_narrow16(v, _mm256_setzero_si256());
    if (m == OUTS) {
        _mm_storel_epi64((__m128i *)(row->out + n0), bytes);
    } else {
        int8_t last[16];
        _mm_storeu_si128((__m128i *)last, bytes);
        for (int32_t r = 0; r < m; ++r) {
            row->out[n0 + r] = last[r];
        }
    }
}

/* Out of line, so their caller's loop keeps no vector state across groups and the
 * compiler hoists nothing a tiny layer would pay for. */
MICRO_AVX2_FN MICRO_NOINLINE static void group8(const fc_row_t *row, int32_t n0)
{
    group(row, n0, OUTS);
}

MICRO_AVX2_FN MICRO_NOINLINE static void group_last(const fc_row_t *row, int32_t n0)
{
    group(row, n0, row->p->output_depth - n0);
}

/* Output n alone, when it is the only one past the groups of 8 (a single-output head, as
 * hello_world's last layer): its dot with 16-value runs in 8 lanes, summed, the rest in
 * scalar, then the reference's requantization (requant.h); cheaper than a group whose
 * other 7 lanes are dropped. */
MICRO_AVX2_FN MICRO_NOINLINE static void one(const fc_row_t *row, int32_t n)
{
    const micro_fully_connected_s8_params_t *p = row->p;
    const int32_t depth = p->input_depth, c = p->per_channel == 1 ? n : 0;
    const int8_t *x = row->x, *w = row->filter + (int64_t)n * depth;
    uint32_t sum = 0;
    int32_t k = 0;
    if (depth >= 16) {
        __m256i acc = _mm256_setzero_si256();
        for (; k + 16 <= depth; k += 16) {
            const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + k)));
            acc = MADD16(acc, xv, w + k);
        }
        const __m128i half =
            _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        const __m128i pair = _mm_add_epi32(half, _mm_unpackhi_epi64(half, half));
        sum = (uint32_t)_mm_cvtsi128_si32(pair) + (uint32_t)_mm_extract_epi32(pair, 1);
    }
    for (; k < depth; ++k) {
        sum += (uint32_t)((int32_t)x[k] * (int32_t)w[k]);
    }
    const int32_t acc = (int32_t)(sum - row->correction + (uint32_t)row->bias[n]);
    const int32_t v = micro_requantize_zp(acc, row->multiplier[c], row->shift[c], p->output_zp);
    row->out[n] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
}

/* The sum of x's n values (mod 2^32), for a filter zero point's term. Out of line: inlined,
 * its vector loop's bounds would be set up on every call, needed or not. */
MICRO_NOINLINE static uint32_t sum_of(const int8_t *x, int32_t n)
{
    uint32_t sum = 0;
    for (int32_t k = 0; k < n; ++k) {
        sum += (uint32_t)x[k];
    }
    return sum;
}

static void fully_connected_avx2(const micro_fully_connected_s8_params_t *p,
                                 const int8_t *input, const int8_t *filter, const int32_t *bias,
                                 const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    const int32_t depth = p->input_depth, out_depth = p->output_depth;
    const int32_t groups = out_depth & ~(OUTS - 1);
    fc_row_t row = {p, input, filter, bias, multiplier, shift, output, 0};
    for (int32_t b = 0; b < p->batches; ++b) {
        row.x = input + (int64_t)b * depth;
        row.out = output + (int64_t)b * out_depth;
        row.correction = p->filter_zp != 0 ? (uint32_t)p->filter_zp * sum_of(row.x, depth) : 0;
        for (int32_t n0 = 0; n0 < groups; n0 += OUTS) {
            group8(&row, n0);
        }
        if (out_depth - groups == 1) {
            one(&row, groups);
        } else if (groups < out_depth) {
            group_last(&row, groups);
        }
    }
}

#endif

/* The variant micro_fully_connected_s8_host may run at most
 * (micro_fully_connected_s8_host_variant); 4: the best, but AVX2 for small layers. */
static int32_t variant_cap = 4;

/* Below this many products per batch row (K * N) a layer runs faster in the AVX2 variant
 * than in the 512-bit ones, whose block of 16 outputs pays a fold of 16 accumulators and
 * 16 row loads even for a few inputs or outputs: hello_world's three layers (16, 256 and
 * 16 products) take 93 ns an invoke on AVX2 against 119 on VNNI (Zen 4); an autoencoder's
 * 8 -> 128 layer (1,024) is faster on VNNI. */
#define SMALL_LAYER 1024

int32_t micro_fully_connected_s8_host_variant(int32_t cap)
{
    return micro_host_variant(&variant_cap, cap, 3);
}

micro_status_t micro_fully_connected_s8_host(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *input, const int8_t *filter,
                                             const int32_t *bias, const int32_t *multiplier,
                                             const int32_t *shift, int16_t *scratch,
                                             int8_t *output)
{
#if MICRO_HOST_SIMD
    if (p->filter_layout == 0) {
        const int32_t variant = micro_fully_connected_s8_host_variant(-1);
        const int small = (int64_t)p->input_depth * p->output_depth < SMALL_LAYER;
        if (variant >= 2 && (variant_cap <= 3 || !small)) {
            micro_fully_connected_s8_avx512(p, input, filter, bias, multiplier, shift, output,
                                            variant == 3);
            return MICRO_OK;
        }
        if (variant >= 1) {
            fully_connected_avx2(p, input, filter, bias, multiplier, shift, output);
            return MICRO_OK;
        }
    }
#endif
    return micro_fully_connected_s8(p, input, filter, bias, multiplier, shift, scratch, output);
}
