/*
 * CONV_2D int8 on AVX-512 (BW + VL, and VNNI where present): the 512-bit variant of the
 * host twin micro_conv_s8_host (conv_s8_host.c), which chooses it at run time; same bytes
 * as micro_conv_s8 (conv_s8.c), the oracle.
 *
 * The scheme is the AVX2 variant's, twice as wide and twice as tall: per chunk of output
 * pixels their patches are gathered (int16, input_zp outside the image, K rounded up to
 * even); per block of 32 output channels (16 when no more than 16 remain) the weights are
 * packed as int16 pairs [K/2][32][2]; a pass takes 8 pixels, and per pair of patch values
 * broadcasts each pixel's pair and multiply-adds it into 16 channels' 32-bit sums per
 * register: VPDPWSSD with AVX512_VNNI, VPMADDWD then VPADDD without. |x|, |w| <= 128 keep
 * every pair sum and total (K <= MICRO_CONV_HOST_KMAX) exact in int32, as the reference's,
 * so either instruction gives the same sums. Requantization is the AVX2 variant's, on
 * 8-lane halves.
 *
 * A chunk's outputs are written after all its patches are read, with groups a chunk being
 * the reference's pixel pair, as in the AVX2 variant: micro_conv_s8's overlap rule holds.
 */
#include "conv_pack.h"

#include <string.h>

#include "avx2.h"
#include "im2col.h"

#if MICRO_HOST_SIMD

#define NB 32       /* output channels per block: two 16-lane accumulators per pixel */
#define MR 8        /* pixels per pass */
#define ROWS 16384  /* int16 patch values the stack holds: a chunk */

typedef struct {
    __m512i acc[MR][2];
} tile_t;

/* A block's per-channel values, padded with zeros to NB lanes. */
typedef struct {
    int32_t bias[NB], multiplier[NB], shift[NB];
} block_t;

typedef struct {
    __m256i zp, lo, hi;
} range_t;

/* acc + the pair products x * w, 16 lanes. VPDPWSSD is written as asm so that one source
 * serves both variants: as an intrinsic it would need the VNNI target on every function it
 * is inlined into, the VPMADDWD variant's too; `vnni` is a constant at each call. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i madd(__m512i acc, __m512i x, __m512i w,
                                                       int vnni)
{
    if (vnni) {
        __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
        return acc;
    }
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
}

/* The sums of 8 patches (rows r[i], `pairs` int16 pairs each) with a packed block of
 * 16 * cols channels. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void pass(const int16_t *const r[MR], const int16_t *wt,
                                                     int32_t pairs, int32_t cols, tile_t *t,
                                                     int vnni)
{
    __m512i a[MR][2];
    for (int32_t i = 0; i < MR; ++i) {
        a[i][0] = a[i][1] = _mm512_setzero_si512();
    }
    for (int32_t j = 0; j < pairs; ++j, wt += 32 * cols) {
        const __m512i w0 = _mm512_load_si512((const void *)wt);
        const __m512i w1 = cols == 2 ? _mm512_load_si512((const void *)(wt + 32)) : w0;
        for (int32_t i = 0; i < MR; ++i) {
            int32_t v;
            memcpy(&v, r[i] + 2 * j, 4);
            const __m512i x = _mm512_set1_epi32(v);
            a[i][0] = madd(a[i][0], x, w0, vnni);
            if (cols == 2) {
                a[i][1] = madd(a[i][1], x, w1, vnni);
            }
        }
    }
    for (int32_t i = 0; i < MR; ++i) {
        t->acc[i][0] = a[i][0];
        t->acc[i][1] = a[i][1];
    }
}

/* Requantizes the tile's first m pixels' sums of an n-channel block (nb lanes of which are
 * computed) into out, out_step bytes apart. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void finish(const tile_t *t, int32_t m, int32_t n,
                                                       int32_t nb, const block_t *blk,
                                                       range_t r, int8_t *out, int64_t out_step)
{
    for (int32_t i = 0; i < m; ++i, out += out_step) {
        __m256i v[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
        for (int32_t h = 0; h < nb / 8; ++h) {
            const __m512i sum = t->acc[i][h / 2];
            const __m256i half = h % 2 ? _mm512_extracti64x4_epi64(sum, 1) : _mm512_castsi512_si256(sum);
            const __m256i total =
                _mm256_add_epi32(half, _mm256_load_si256((const __m256i *)(blk->bias + 8 * h)));
            v[h] = micro_requantize8(total,
                                     _mm256_load_si256((const __m256i *)(blk->multiplier + 8 * h)),
                                     _mm256_load_si256((const __m256i *)(blk->shift + 8 * h)),
                                     r.zp, r.lo, r.hi);
        }
        const __m128i lo = micro_narrow16(v[0], v[1]);
        if (n == 32) {
            _mm_storeu_si128((__m128i *)out, lo);
            _mm_storeu_si128((__m128i *)(out + 16), micro_narrow16(v[2], v[3]));
        } else if (n == 16) {
            _mm_storeu_si128((__m128i *)out, lo);
        } else {
            int8_t tmp[NB];
            _mm_storeu_si128((__m128i *)tmp, lo);
            if (nb == 32) {
                _mm_storeu_si128((__m128i *)(tmp + 16), micro_narrow16(v[2], v[3]));
            }
            memcpy(out, tmp, (size_t)n);
        }
    }
}

/* One block of n <= nb channels over a chunk's n_pix gathered patches. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void block(const int16_t *rows, int32_t kp,
                                                      int32_t n_pix, const int16_t *wt, int32_t n,
                                                      int32_t nb, const block_t *blk, range_t r,
                                                      int8_t *out, int64_t out_step, int vnni)
{
    for (int32_t i0 = 0; i0 < n_pix; i0 += MR) {
        const int32_t m = n_pix - i0 < MR ? n_pix - i0 : MR;
        const int16_t *rr[MR];
        for (int32_t i = 0; i < MR; ++i) {
            rr[i] = rows + (int64_t)(i0 + (i < m ? i : m - 1)) * kp;
        }
        tile_t t;
        pass(rr, wt, kp / 2, nb / 16, &t, vnni);
        finish(&t, m, n, nb, blk, r, out + i0 * out_step, out_step);
    }
}

typedef void block_fn(const int16_t *rows, int32_t kp, int32_t n_pix, const int16_t *wt,
                      int32_t n, const block_t *blk, range_t r, int8_t *out, int64_t out_step);

/* The four instances: 16 or 32 lanes, VPMADDWD or VPDPWSSD. */
MICRO_AVX512_FN static void block16(const int16_t *rows, int32_t kp, int32_t n_pix,
                                    const int16_t *wt, int32_t n, const block_t *blk, range_t r,
                                    int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 16, blk, r, out, out_step, 0);
}

MICRO_AVX512_FN static void block32(const int16_t *rows, int32_t kp, int32_t n_pix,
                                    const int16_t *wt, int32_t n, const block_t *blk, range_t r,
                                    int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 32, blk, r, out, out_step, 0);
}

MICRO_AVX512_FN static void block16_vnni(const int16_t *rows, int32_t kp, int32_t n_pix,
                                         const int16_t *wt, int32_t n, const block_t *blk,
                                         range_t r, int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 16, blk, r, out, out_step, 1);
}

MICRO_AVX512_FN static void block32_vnni(const int16_t *rows, int32_t kp, int32_t n_pix,
                                         const int16_t *wt, int32_t n, const block_t *blk,
                                         range_t r, int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 32, blk, r, out, out_step, 1);
}

MICRO_AVX512_FN void micro_conv_s8_avx512(const micro_conv_s8_params_t *p, const int8_t *input,
                                          const int8_t *filter, const int32_t *bias,
                                          const int32_t *multiplier, const int32_t *shift,
                                          int8_t *output, int vnni)
{
    block_fn *const narrow = vnni ? block16_vnni : block16, *const wide = vnni ? block32_vnni : block32;
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    const int32_t kp = (k + 1) & ~1, pairs = kp / 2;
    const int32_t row = (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN *
                        MICRO_CONV_S8_K_ALIGN;
    const int32_t out_w = p->output_width, depth_out = p->output_depth, groups = p->groups;
    const int32_t pixels = p->output_height * out_w, per_group = depth_out / groups;
    /* With groups, a chunk is the reference's pixel pair: it reads a pair's next group after
     * writing its last one, so a longer chunk would read past pixels it has written. */
    const int32_t fit = groups > 1 ? MICRO_CONV_S8_SCRATCH_ROWS : ROWS / kp;
    const int32_t chunk = fit < pixels ? fit : pixels;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    const range_t r = {_mm256_set1_epi32(p->output_zp), _mm256_set1_epi32(p->act_min),
                       _mm256_set1_epi32(p->act_max)};
    int16_t rows[ROWS] __attribute__((aligned(64)));
    int16_t wt[MICRO_CONV_HOST_KMAX * NB] __attribute__((aligned(64)));
    block_t blk __attribute__((aligned(64)));
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix0 = 0; pix0 < pixels; pix0 += chunk) {
            const int32_t n_pix = pixels - pix0 < chunk ? pixels - pix0 : chunk;
            int8_t *out = out_image + (int64_t)pix0 * depth_out;
            for (int32_t g = 0; g < groups; ++g) {
                for (int32_t i = 0; i < n_pix; ++i) {
                    const int32_t pix = pix0 + i;
                    im2col_gather(p, image, pix / out_w, pix % out_w, g, rows + i * kp);
                    if (k < kp) {
                        rows[i * kp + k] = 0; /* meets the filter row's zero padding */
                    }
                }
                const int32_t last = (g + 1) * per_group;
                for (int32_t o = g * per_group; o < last; o += NB) {
                    const int32_t n = last - o < NB ? last - o : NB;
                    const int32_t nb = n <= 16 ? 16 : NB;
                    micro_conv_pack_pairs(filter, row, o, n, nb, pairs, wt);
                    for (int32_t c = 0; c < NB; ++c) {
                        blk.bias[c] = c < n ? bias[o + c] : 0;
                        blk.multiplier[c] = c < n ? multiplier[o + c] : 0;
                        blk.shift[c] = c < n ? shift[o + c] : 0;
                    }
                    (nb == 16 ? narrow : wide)(rows, kp, n_pix, wt, n, &blk, r, out + o, depth_out);
                }
            }
        }
    }
}

#endif
