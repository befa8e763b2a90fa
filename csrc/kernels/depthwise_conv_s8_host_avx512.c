/*
 * DEPTHWISE_CONV_2D int8 on AVX-512 (BW + VL, and VNNI where present): the 512-bit
 * variant of the host twin micro_depthwise_conv_s8_host (depthwise_conv_s8_host.c), which
 * chooses it at run time; same bytes as micro_depthwise_conv_s8 (depthwise_conv_s8.c), the
 * oracle. Depth multiplier 1, filter layout 0, as the AVX2 variant.
 *
 * The weights are widened once per call into a table of 32-bit words, one per tap
 * and channel, holding the weight as int16 in the low half and 0 in the high half. An
 * input byte sign-extended to 32 bits is, as an int16 pair, (x, 0 or -1), so the pair
 * multiply-add of the two, VPMADDWD (or VPDPWSSD with AVX512_VNNI, which also adds it to
 * the sum), gives x * w + (0 or -1) * 0 = x * w exactly: one instruction per 16 products
 * instead of VPMULLD's two. Output pixels in order; per pixel, channels in blocks of up to
 * 64 (four 16-lane sums); or, in row mode (run_row), the run of an output row's pixels
 * whose windows are inside the image horizontally as one run of lanes, 64 at a time. A
 * tap outside the image adds input_zp * weight as the reference does; lanes past the
 * channels or the run are read and written through masked loads and stores, so no access
 * leaves the tensors. Requantization is micro_requantize16 (avx512.h). Outputs are
 * written in order, each after its window is read (a run's windows all before its first
 * output), so the reference's overlap rule holds.
 */
#include "micro/kernels/depthwise_conv_s8_host.h"

#include <string.h>

#include "avx512.h"
#include "host_scratch.h"

#if MICRO_HOST_SIMD

#define LANES 16
#define VECS 4         /* 16-lane sums per block of channels */
#define CMAX 1024      /* channels the per-channel tables hold */
#define WMAX 9216      /* tap-channel words the weight table holds */

/* The tables, in the thread's host scratch (host_scratch.h): not on the stack, where they
 * would make a frame of 48 KiB. */
typedef struct {
    int32_t weights[WMAX], b[CMAX], m[CMAX], s[CMAX];
} buffers_t;
MICRO_HOST_SCRATCH_FITS(buffers_t);

/* acc + x * w per lane (both int16 pairs; see above). VPDPWSSD is written as asm so that
 * one source serves both variants: as an intrinsic it would need the VNNI target on
 * every function it is inlined into; `vnni` is a constant at each call. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i madd(__m512i acc, __m512i x, __m512i w,
                                                       int vnni)
{
    if (vnni) {
        __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
        return acc;
    }
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
}

typedef struct {
    const micro_depthwise_conv_s8_params_t *p;
    const int32_t *weights;                 /* [taps][cp] words (see above) */
    const int32_t *bias, *multiplier, *shift; /* [cp], zero past the channels */
    int32_t cp;                             /* channels rounded up to 16 */
    int32_t rows;                           /* row mode (run_row) */
    int32_t cw;                             /* row mode: the lanes of a table row */
} tables_t;

/* The window sums of `vecs` 16-lane groups of channels from c0 (masks[v]: the lanes
 * that are channels), at input pixel (iy0, ix0) of the batch's image. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void window(const tables_t *tb, const int8_t *image,
                                                       int32_t iy0, int32_t ix0, int32_t c0,
                                                       int32_t vecs, const __mmask16 *masks,
                                                       __m512i *acc, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth, width = p->input_width;
    const __m512i in_zp = _mm512_set1_epi32(p->input_zp);
    for (int32_t v = 0; v < vecs; ++v) {
        acc[v] = _mm512_setzero_si512();
    }
    const int32_t *w = tb->weights + c0;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        const int y_in = iy >= 0 && iy < p->input_height;
        const int8_t *line = image + (int64_t)iy * width * channels + c0;
        for (int32_t fx = 0; fx < p->filter_width; ++fx, w += tb->cp) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (y_in && ix >= 0 && ix < width) {
                const int8_t *x = line + (int64_t)ix * channels;
                for (int32_t v = 0; v < vecs; ++v) {
                    const __m512i xv =
                        _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(masks[v], x + v * LANES));
                    acc[v] = madd(acc[v], xv, _mm512_loadu_si512(w + v * LANES), vnni);
                }
            } else {
                for (int32_t v = 0; v < vecs; ++v) {
                    acc[v] = madd(acc[v], in_zp, _mm512_loadu_si512(w + v * LANES), vnni);
                }
            }
        }
    }
}

typedef struct {
    __m512i zp, lo, hi;
} range_t;

/* Requantizes 16 sums of the channels whose constants start at c and stores the lanes of
 * `mask` at out. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void finish(const tables_t *tb, __m512i acc, int32_t c,
                                                       __mmask16 mask, range_t r, int8_t *out)
{
    const __m512i total = _mm512_add_epi32(acc, _mm512_loadu_si512(tb->bias + c));
    const __m512i v = micro_requantize16(total, _mm512_loadu_si512(tb->multiplier + c),
                                         _mm512_loadu_si512(tb->shift + c), r.zp, r.lo, r.hi);
    /* 16 int8 (inside [-128, 127]: the saturating narrowing keeps them) */
    _mm_mask_storeu_epi8(out, mask, _mm512_cvtsepi32_epi8(v));
}

/* Output pixel (oy, ox) of the batch's image, all channels, into out. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void pixel(const tables_t *tb, const int8_t *image,
                                                      int32_t oy, int32_t ox, range_t r,
                                                      int8_t *out, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox * p->stride_width - p->pad_left;
    for (int32_t c0 = 0; c0 < channels; c0 += VECS * LANES) {
        const int32_t n = channels - c0 < VECS * LANES ? channels - c0 : VECS * LANES;
        const int32_t vecs = (n + LANES - 1) / LANES;
        __mmask16 masks[VECS];
        for (int32_t v = 0; v < VECS; ++v) {
            const int32_t m = n - v * LANES;
            masks[v] = m >= LANES ? (__mmask16)0xFFFF
                       : m > 0    ? (__mmask16)((1u << m) - 1)
                                  : (__mmask16)0;
        }
        __m512i acc[VECS];
        /* Constant group counts: straight-line code. */
        switch (vecs) {
        case 4: window(tb, image, iy0, ix0, c0, 4, masks, acc, vnni); break;
        case 3: window(tb, image, iy0, ix0, c0, 3, masks, acc, vnni); break;
        case 2: window(tb, image, iy0, ix0, c0, 2, masks, acc, vnni); break;
        default: window(tb, image, iy0, ix0, c0, 1, masks, acc, vnni); break;
        }
        for (int32_t v = 0; v < vecs; ++v) {
            finish(tb, acc[v], c0 + v * LANES, masks[v], r, out + c0 + v * LANES);
        }
    }
}

/*
 * Row mode (stride_width 1; C a multiple of 16 or a divisor of it): in an output row the
 * pixels whose windows are inside the image horizontally, [x_lo, x_hi], are one run of
 * (x_hi - x_lo + 1) * C int32 lanes, lane L the channel L % C of pixel x_lo + L / C, and a
 * tap adds to lane L the input byte at a fixed offset from L times the tap's weight for
 * channel L % C. So 16 lanes take 16 products per instruction whatever C (8 channels fill
 * a vector with 2 pixels), 64 lanes at a time. The weight table's rows then hold `cw`
 * lanes: C of them for C >= 16, else the C weights repeated to 16 (tables_t.cw).
 */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void run_row(const tables_t *tb, const int8_t *image,
                                                        int32_t oy, int32_t x_lo, int32_t x_hi,
                                                        range_t r, int8_t *out_row, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth, width = p->input_width;
    const int64_t lanes = (int64_t)(x_hi - x_lo + 1) * channels;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const __m512i in_zp = _mm512_set1_epi32(p->input_zp);
    const int8_t *first = image + ((int64_t)x_lo - p->pad_left) * channels; /* tap (0, 0) of lane 0 */
    int8_t *out = out_row + (int64_t)x_lo * channels;
    for (int64_t l0 = 0; l0 < lanes; l0 += VECS * LANES) {
        __mmask16 masks[VECS];
        int32_t at[VECS]; /* each group's first lane in a table row */
        for (int32_t v = 0; v < VECS; ++v) {
            const int64_t m = lanes - l0 - v * LANES;
            masks[v] = m >= LANES ? (__mmask16)0xFFFF
                       : m > 0    ? (__mmask16)((1u << m) - 1)
                                  : (__mmask16)0;
            at[v] = channels % LANES == 0 ? (int32_t)((l0 + v * LANES) % channels) : 0;
        }
        __m512i acc[VECS];
        for (int32_t v = 0; v < VECS; ++v) {
            acc[v] = _mm512_setzero_si512();
        }
        const int32_t *w = tb->weights;
        for (int32_t fy = 0; fy < p->filter_height; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_height;
            const int y_in = iy >= 0 && iy < p->input_height;
            const int8_t *line = first + (int64_t)iy * width * channels + l0;
            for (int32_t fx = 0; fx < p->filter_width; ++fx, w += tb->cw) {
                const int8_t *x = line + (int64_t)fx * p->dilation_width * channels;
                for (int32_t v = 0; v < VECS; ++v) {
                    const __m512i xv = y_in ? _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(
                                                  masks[v], x + v * LANES))
                                            : in_zp;
                    acc[v] = madd(acc[v], xv, _mm512_loadu_si512(w + at[v]), vnni);
                }
            }
        }
        for (int32_t v = 0; v < VECS && masks[v]; ++v) {
            finish(tb, acc[v], at[v], masks[v], r, out + l0 + v * LANES);
        }
    }
}

MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void run(const tables_t *tb, const int8_t *input,
                                                    int8_t *output, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth, out_h = p->output_height, out_w = p->output_width;
    const range_t r = {_mm512_set1_epi32(p->output_zp), _mm512_set1_epi32(p->act_min),
                       _mm512_set1_epi32(p->act_max)};
    /* Row mode's columns (run_row): windows inside the image horizontally. */
    const int32_t reach = (p->filter_width - 1) * p->dilation_width;
    const int32_t x_lo = tb->rows ? (p->pad_left < out_w ? p->pad_left : out_w) : out_w;
    int32_t x_hi = p->input_width - 1 + p->pad_left - reach;
    x_hi = !tb->rows ? -1 : x_hi < out_w - 1 ? x_hi : out_w - 1;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_height * p->input_width * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            int8_t *out_row = output + ((int64_t)b * out_h + oy) * out_w * channels;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                if (ox == x_lo && x_lo <= x_hi) {
                    run_row(tb, image, oy, x_lo, x_hi, r, out_row, vnni);
                    ox = x_hi;
                    continue;
                }
                pixel(tb, image, oy, ox, r, out_row + (int64_t)ox * channels, vnni);
            }
        }
    }
}

MICRO_AVX512_FN static void run_bw(const tables_t *tb, const int8_t *input, int8_t *output)
{
    run(tb, input, output, 0);
}

MICRO_AVX512_FN static void run_vnni(const tables_t *tb, const int8_t *input, int8_t *output)
{
    run(tb, input, output, 1);
}

int micro_depthwise_conv_s8_avx512(const micro_depthwise_conv_s8_params_t *p,
                                   const int8_t *input, const int8_t *filter,
                                   const int32_t *bias, const int32_t *multiplier,
                                   const int32_t *shift, int8_t *output, int vnni)
{
    const int32_t channels = p->input_depth, taps = p->filter_height * p->filter_width;
    const int32_t cp = (channels + LANES - 1) / LANES * LANES;
    if (cp > CMAX || (int64_t)taps * cp > WMAX) {
        return 0;
    }
    /* Row mode where it applies and its tables fit (then pixel mode's rows are cw lanes
     * too: cw = cp for C >= 16, and for C < 16 the repeated weights' first C lanes are
     * the channels'). */
    const int rows = p->stride_width == 1 && (channels % LANES == 0 || LANES % channels == 0);
    const int32_t cw = rows ? (channels % LANES == 0 ? channels : LANES) : cp;
    buffers_t *const buf = micro_host_scratch();
    int32_t *const weights = buf->weights, *const b = buf->b, *const m = buf->m;
    int32_t *const s = buf->s;
    for (int32_t t = 0; t < taps; ++t) {
        for (int32_t c = 0; c < cw; ++c) {
            /* the weight as int16 in the low half, 0 in the high half; past C, the row
             * mode's repetition of the C weights, else 0 */
            const int32_t from = cw > channels ? c % channels : c;
            weights[t * cw + c] = from < channels ? (int32_t)(uint16_t)(int16_t)filter[t * channels + from]
                                                  : 0;
        }
    }
    for (int32_t c = 0; c < cw; ++c) {
        const int32_t from = cw > channels ? c % channels : c;
        b[c] = from < channels ? bias[from] : 0;
        m[c] = from < channels ? multiplier[from] : 0;
        s[c] = from < channels ? shift[from] : 0;
    }
    const tables_t tb = {p, weights, b, m, s, cw, rows, cw};
    (vnni ? run_vnni : run_bw)(&tb, input, output);
    return 1;
}

#endif
