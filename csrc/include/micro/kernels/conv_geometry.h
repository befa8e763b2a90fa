/*
 * The window geometry of a convolution, NHWC input and OHWI filter, grouped: the first
 * field of the conv_s16 and conv_f32 params. Input channels C = groups * filter_depth;
 * output channel o belongs to group o / (output_depth / groups). Output pixel (y, x) reads
 * input rows y * stride_height - pad_top + fy * dilation_height and columns
 * x * stride_width - pad_left + fx * dilation_width; taps outside the input add nothing.
 */
#ifndef MICRO_KERNELS_CONV_GEOMETRY_H
#define MICRO_KERNELS_CONV_GEOMETRY_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

typedef struct {
    int32_t batches;         /* >= 1 */
    int32_t input_height;    /* >= 1 */
    int32_t input_width;     /* >= 1 */
    int32_t input_depth;     /* >= 1: groups * filter_depth */
    int32_t filter_height;   /* >= 1 */
    int32_t filter_width;    /* >= 1 */
    int32_t filter_depth;    /* >= 1: input channels per group */
    int32_t output_height;   /* >= 1 */
    int32_t output_width;    /* >= 1 */
    int32_t output_depth;    /* >= 1: a multiple of groups */
    int32_t groups;          /* >= 1 */
    int32_t stride_height;   /* >= 1 */
    int32_t stride_width;    /* >= 1 */
    int32_t dilation_height; /* >= 1 */
    int32_t dilation_width;  /* >= 1 */
    int32_t pad_top;         /* >= 0 */
    int32_t pad_left;        /* >= 0 */
} micro_conv_geometry_t;

#endif
