/* Window geometry checks and bounds shared by the int8 2-D pools (internal). */
#ifndef MICRO_KERNELS_POOL_H
#define MICRO_KERNELS_POOL_H

#include <stdint.h>

#include "micro/config.h"
#include "micro/kernels/pool_s8.h"
#include "micro/status.h"
#include "check.h"
#include "overlap.h"

/* Channels handled per pass: a local accumulator row the compiler can vectorise. */
#define MICRO_POOL_BLOCK 64

/*
 * Narrow inputs (fewer than MICRO_POOL_NARROW channels) pool separably, one output row at
 * a time: the window's input rows are first reduced into one padded row on the stack
 * (MICRO_POOL_ROW elements, contiguous and vectorisable whatever the depth), then each
 * output reads its filter_w columns of that row. This avoids a vector loop per tap and
 * pixel over only a few channels.
 */
#define MICRO_POOL_NARROW 16
#define MICRO_POOL_ROW 512

/* Columns of the padded row: the left padding, the input, and any right padding the last
 * window reaches. */
static inline int64_t micro_pool_row_cols(const micro_pool_s8_params_t *p)
{
    const int64_t reach = (int64_t)(p->output_w - 1) * p->stride_w + p->filter_w;
    const int64_t span = (int64_t)p->pad_w + p->input_w;
    return span > reach ? span : reach;
}

/* 1 if the separable path applies (the padded row fits MICRO_POOL_ROW). */
static inline int micro_pool_separable(const micro_pool_s8_params_t *p)
{
    return p->channels < MICRO_POOL_NARROW &&
           micro_pool_row_cols(p) * p->channels <= MICRO_POOL_ROW;
}

/* The taps [start, end) of a window starting at `origin` that fall in [0, size); an empty
 * window gives start == end. In 64 bits: params that pass the step checks can still put a
 * window's origin near INT32_MIN (a huge padding), where size - origin overflows int32. */
static inline void micro_pool_taps(int32_t origin, int32_t filter, int32_t size,
                                   int32_t *start, int32_t *end)
{
    const int64_t from = origin < 0 ? -(int64_t)origin : 0, to = (int64_t)size - origin;
    *start = (int32_t)(from < filter ? from : filter);
    *end = (int32_t)(to < filter ? (to > *start ? to : *start) : filter);
}

/*
 * Exact division by a tap count without a divide instruction per element:
 * floor(n / d) == (n * m) >> k for d in [1, 2^21] and 0 <= n < 129 * d (the magnitude of
 * an int8 window sum plus half the count), with k = 31 + floor(log2 d) and
 * m = ceil(2^k / d) <= 2^31: the error n * (m * d - 2^k) < 129 * d^2 <= 2^k.
 */
typedef struct {
    uint32_t m;
    int32_t k;
} micro_divisor_t;

static inline micro_divisor_t micro_divisor(uint32_t d)
{
    int32_t log2 = 0;
    while ((d >> log2) > 1u) {
        ++log2;
    }
    micro_divisor_t div;
    div.k = 31 + log2;
    div.m = (uint32_t)(((UINT64_C(1) << div.k) + d - 1u) / d);
    return div;
}

/*
 * The same for at most 256 taps in 32-bit arithmetic: floor(n / d) == (n * m) >> 24 with
 * m = ceil(2^24 / d), for d in [1, 256] and 0 <= n < 129 * d: the error
 * n * (m * d - 2^24) < 129 * d^2 <= 2^24, and n * m < 129 * (2^24 + d) < 2^32.
 */
static inline uint32_t micro_divisor256(uint32_t d)
{
    return ((UINT32_C(1) << 24) + d - 1u) / d;
}

/* (sum > 0 ? sum + half : sum - half) / count with C's truncation, clamped to [lo, hi],
 * for at most 256 taps: half = count / 2, m = micro_divisor256(count). */
static inline int8_t micro_pool_average256(int32_t sum, uint32_t half, uint32_t m, int32_t lo,
                                           int32_t hi)
{
    const uint32_t magnitude = (uint32_t)(sum > 0 ? sum : -sum) + half;
    const int32_t q = (int32_t)((magnitude * m) >> 24);
    const int32_t v = sum > 0 ? q : -q;
    return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

/* The taps of output pixel (oy, ox) inside the input: `rows` x `cols` pixels from
 * `corner`, rows `row_step` bytes apart (for the DSP twins' word paths). */
typedef struct {
    const int8_t *corner;
    int32_t rows, cols, row_step;
} micro_pool_window_t;

static inline micro_pool_window_t micro_pool_window(const micro_pool_s8_params_t *p,
                                                    const int8_t *image, int32_t oy,
                                                    int32_t ox)
{
    const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
    int32_t fy0, fy1, fx0, fx1;
    micro_pool_taps(y0, p->filter_h, p->input_h, &fy0, &fy1);
    micro_pool_taps(x0, p->filter_w, p->input_w, &fx0, &fx1);
    micro_pool_window_t w;
    w.corner = image + ((int64_t)(y0 + fy0) * p->input_w + x0 + fx0) * p->channels;
    w.rows = fy1 - fy0;
    w.cols = fx1 - fx0;
    w.row_step = p->input_w * p->channels;
    return w;
}

/* visit(ctx, window, out): one output pixel's window and output, or one output row's
 * (the window of its first pixel, whose rows are the row's and whose corner is the start of
 * the first of them, and the row's output). */
typedef void (*micro_pool_pixel_fn)(const void *ctx, const micro_pool_window_t *w,
                                    int8_t *out);

/* The walk of every int8 pool, in output order (batches, rows, columns): visit every output
 * pixel, or with `by_row` every output row (the separable paths reduce a row's window rows
 * once for all its pixels). */
static MICRO_ALWAYS_INLINE void micro_pool_visit(const micro_pool_s8_params_t *p,
                                                 const int8_t *input, int8_t *output, int by_row,
                                                 micro_pool_pixel_fn visit, const void *ctx)
{
    const int64_t image_size = (int64_t)p->input_h * p->input_w * p->channels;
    const int32_t depth = p->channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        for (int32_t oy = 0; oy < p->output_h; ++oy) {
            if (by_row) {
                const micro_pool_window_t w = micro_pool_window(p, image, oy, 0);
                visit(ctx, &w, output);
                output += (int64_t)p->output_w * depth;
                continue;
            }
            for (int32_t ox = 0; ox < p->output_w; ++ox, output += depth) {
                const micro_pool_window_t w = micro_pool_window(p, image, oy, ox);
                visit(ctx, &w, output);
            }
        }
    }
}

/* Every output pixel in order (the DSP twins' walk). */
static MICRO_ALWAYS_INLINE void micro_pool_walk(const micro_pool_s8_params_t *p,
                                                const int8_t *input, int8_t *output,
                                                micro_pool_pixel_fn pixel, const void *ctx)
{
    micro_pool_visit(p, input, output, 0, pixel, ctx);
}

/* MICRO_OK if the params are in range, every window overlaps the input, and the input and
 * output operands (their byte sizes) are large enough. */
static inline micro_status_t micro_pool_check(const micro_pool_s8_params_t *p,
                                              uint32_t input_size, uint32_t output_size)
{
    const int32_t in_dims[4] = {p->batches, p->input_h, p->input_w, p->channels};
    const int32_t out_dims[4] = {p->batches, p->output_h, p->output_w, p->channels};
    const int32_t window[4] = {p->filter_h, p->filter_w, p->stride_h, p->stride_w};
    if (micro_count(in_dims, 4) < 0 || micro_count(out_dims, 4) < 0 ||
        micro_count(window, 4) < 0 ||
        (int64_t)p->filter_h * p->filter_w > (INT64_C(1) << 21) ||
        !micro_in_range(p->pad_h, 0, p->filter_h - 1) ||
        !micro_in_range(p->pad_w, 0, p->filter_w - 1) ||
        !micro_in_range(p->act_min, -128, 127) || !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    /* The last window must still start inside the input: then none is empty. */
    if ((int64_t)(p->output_h - 1) * p->stride_h - p->pad_h >= p->input_h ||
        (int64_t)(p->output_w - 1) * p->stride_w - p->pad_w >= p->input_w) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(input_size, micro_count(in_dims, 4), 1) ||
        !micro_fits(output_size, micro_count(out_dims, 4), 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule of both pools, output over input: output rows in order, a row's pixels
 * only (the narrow path reduces the row's window rows first), output row r reading input
 * rows from r * stride_h - pad_h on. */
static inline uint32_t micro_pool_gap(const micro_pool_s8_params_t *p)
{
    const micro_rows_t g = {p->batches, p->output_h, (int64_t)p->output_w * p->channels,
                            p->input_h, (int64_t)p->input_w * p->channels, p->stride_h,
                            -(int64_t)p->pad_h, 0};
    return micro_rows_gap(&g);
}

#endif
