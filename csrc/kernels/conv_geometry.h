/* The check of a convolution's window geometry (internal). */
#ifndef MICRO_KERNELS_CONV_GEOMETRY_INTERNAL_H
#define MICRO_KERNELS_CONV_GEOMETRY_INTERNAL_H

#include "micro/kernels/conv_geometry.h"
#include "check.h"

/* 1 and the element counts of the input, the filter and the output if the geometry is
 * valid: every dimension, stride and dilation >= 1, the groups split the channels, no
 * count beyond 2^31, pads >= 0, and every row and column index the window computes
 * inside int32 (it is range-checked before use); else 0. */
static inline int micro_conv_counts(const micro_conv_geometry_t *g, int64_t *in_count,
                                    int64_t *filter_count, int64_t *out_count)
{
    const int32_t in_dims[4] = {g->batches, g->input_height, g->input_width, g->input_depth};
    const int32_t f_dims[4] = {g->output_depth, g->filter_height, g->filter_width,
                               g->filter_depth};
    const int32_t out_dims[4] = {g->batches, g->output_height, g->output_width,
                                 g->output_depth};
    *in_count = micro_count(in_dims, 4);
    *filter_count = micro_count(f_dims, 4);
    *out_count = micro_count(out_dims, 4);
    return *in_count >= 0 && *filter_count >= 0 && *out_count >= 0 &&
           g->groups >= 1 && g->stride_height >= 1 && g->stride_width >= 1 &&
           g->dilation_height >= 1 && g->dilation_width >= 1 && g->output_depth % g->groups == 0 &&
           (int64_t)g->groups * g->filter_depth == g->input_depth && g->pad_top >= 0 &&
           g->pad_left >= 0 &&
           (int64_t)(g->output_height - 1) * g->stride_height +
                   (int64_t)(g->filter_height - 1) * g->dilation_height <= INT32_MAX &&
           (int64_t)(g->output_width - 1) * g->stride_width +
                   (int64_t)(g->filter_width - 1) * g->dilation_width <= INT32_MAX;
}

#endif
