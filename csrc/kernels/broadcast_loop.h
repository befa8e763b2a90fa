/*
 * Walk a broadcast layout (micro/kernels/broadcast.h) row by row, and check one (internal).
 *
 * The innermost dim is a row; `row` is called once per row with the two inputs' row
 * starts and their innermost strides (0: that input is one repeated element, else 1 in
 * every layout the host emits, but any stride works). The outer dims advance like an
 * odometer, so a row costs O(1) bookkeeping.
 */
#ifndef MICRO_KERNELS_BROADCAST_LOOP_H
#define MICRO_KERNELS_BROADCAST_LOOP_H

#include <stdint.h>

#include "micro/kernel.h"
#include "micro/kernels/broadcast.h"
#include "micro/status.h"
#include "check.h"
#include "overlap.h"

typedef void (*micro_row_fn)(const void *ctx, const void *a, int32_t stride_a, const void *b,
                             int32_t stride_b, void *out, int32_t n);

/* Input elements are `width1` and `width2` bytes wide, output elements `out_width` (a
 * comparison writes one-byte bools, int16 PRELU reads an int8 alpha); strides count
 * elements. */
static inline void micro_broadcast_walk_mixed(const micro_broadcast_t *layout,
                                              const void *input1, int32_t width1,
                                              const void *input2, int32_t width2, void *output,
                                              int32_t out_width, micro_row_fn row,
                                              const void *ctx)
{
    const int32_t rank = layout->rank;
    const int32_t *dims = layout->dims, *stride1 = layout->stride1, *stride2 = layout->stride2;
    const uint8_t *a = input1, *b = input2;
    uint8_t *out = output;
    int32_t index[MICRO_BROADCAST_RANK] = {0};
    const int32_t inner = rank - 1;
    int64_t rows = 1;
    for (int32_t d = 0; d < inner; ++d) {
        rows *= dims[d];
    }
    for (int64_t r = 0; r < rows; ++r) {
        row(ctx, a, stride1[inner], b, stride2[inner], out, dims[inner]);
        out += (int64_t)dims[inner] * out_width;
        for (int32_t d = inner - 1; d >= 0; --d) {
            a += (int64_t)stride1[d] * width1;
            b += (int64_t)stride2[d] * width2;
            if (++index[d] < dims[d]) {
                break;
            }
            index[d] = 0;
            a -= (int64_t)stride1[d] * dims[d] * width1;
            b -= (int64_t)stride2[d] * dims[d] * width2;
        }
    }
}

/* Both inputs' elements `width` bytes wide, the output's `out_width`. */
static inline void micro_broadcast_walk_widths(const micro_broadcast_t *layout,
                                               const void *input1, const void *input2,
                                               void *output, int32_t width, int32_t out_width,
                                               micro_row_fn row, const void *ctx)
{
    micro_broadcast_walk_mixed(layout, input1, width, input2, width, output, out_width, row, ctx);
}

/* Elements are `width` bytes wide in both inputs and the output. */
static inline void micro_broadcast_walk(const micro_broadcast_t *layout, const void *input1,
                                        const void *input2, void *output, int32_t width,
                                        micro_row_fn row, const void *ctx)
{
    micro_broadcast_walk_widths(layout, input1, input2, output, width, width, row, ctx);
}

/* Elements of the output (product of dims), or -1 if the layout is invalid. */
static inline int64_t micro_broadcast_count(int32_t rank, const int32_t *dims)
{
    if (rank < 1 || rank > MICRO_BROADCAST_RANK) {
        return -1;
    }
    int64_t total = 1;
    for (int32_t d = 0; d < rank; ++d) {
        if (dims[d] < 1) {
            return -1;
        }
        total *= dims[d];
        if (total > INT32_MAX) {
            return -1;
        }
    }
    return total;
}

/* Elements an input with these strides must hold (1 + its largest index), or -1 (also for
 * a rank outside the layout's arrays: callers may ask before they count). */
static inline int64_t micro_broadcast_extent(int32_t rank, const int32_t *dims,
                                             const int32_t *stride)
{
    if (rank < 1 || rank > MICRO_BROADCAST_RANK) {
        return -1;
    }
    int64_t last = 0;
    for (int32_t d = 0; d < rank; ++d) {
        if (dims[d] < 1 || stride[d] < 0) {  /* as micro_broadcast_count refuses them */
            return -1;
        }
        last += ((int64_t)dims[d] - 1) * stride[d];
        if (last > INT32_MAX) {
            return -1;
        }
    }
    return last + 1;
}

/* The check of a broadcast kernel's layout and its three operands (byte sizes; elements
 * `width1`, `width2` and `out_width` bytes): MICRO_ERR_PARAMS if the layout is invalid,
 * MICRO_ERR_OPERANDS if an operand is smaller than the layout reaches, else MICRO_OK. */
static inline micro_status_t micro_broadcast_check_mixed(const micro_broadcast_t *layout,
                                                         uint32_t input1_size, int64_t width1,
                                                         uint32_t input2_size, int64_t width2,
                                                         uint32_t output_size, int64_t out_width)
{
    const int64_t count = micro_broadcast_count(layout->rank, layout->dims);
    if (count < 0) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t extent1 = micro_broadcast_extent(layout->rank, layout->dims, layout->stride1);
    const int64_t extent2 = micro_broadcast_extent(layout->rank, layout->dims, layout->stride2);
    if (extent1 < 0 || extent2 < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(input1_size, extent1, width1) || !micro_fits(input2_size, extent2, width2) ||
        !micro_fits(output_size, count, out_width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* The same with every element `width` bytes wide. */
static inline micro_status_t micro_broadcast_check(const micro_broadcast_t *layout,
                                                   uint32_t input1_size, uint32_t input2_size,
                                                   uint32_t output_size, int64_t width)
{
    return micro_broadcast_check_mixed(layout, input1_size, width, input2_size, width,
                                       output_size, width);
}

/* Overlap rule of a broadcast elementwise kernel, output over input1 (`first`) or input2,
 * elements `in_width` bytes in and `out_width` out: the rows walk the output front to back
 * and read element i of an input laid out as the output (dense strides) before writing
 * element i, so such an input streams as in micro_elementwise_gap; a broadcast input is
 * read again later and may not be overwritten. */
static inline uint32_t micro_broadcast_gap(const micro_broadcast_t *layout, int first,
                                           int64_t in_width, int64_t out_width)
{
    const int32_t *stride = first ? layout->stride1 : layout->stride2;
    const int64_t count = micro_broadcast_count(layout->rank, layout->dims);
    int64_t dense = 1;
    if (count < 0) {
        return MICRO_NO_OVERLAP;
    }
    for (int32_t d = layout->rank - 1; d >= 0; --d) {
        if (layout->dims[d] > 1 && stride[d] != dense) {
            return MICRO_NO_OVERLAP;
        }
        dense *= layout->dims[d];
    }
    return micro_elementwise_gap(count, in_width, out_width);
}

#endif
