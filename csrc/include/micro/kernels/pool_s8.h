/*
 * The window geometry shared by the int8 2-D pools (AVERAGE_POOL_2D, MAX_POOL_2D), NHWC.
 * Output pixel (y, x) reads the window of filter_h x filter_w input pixels starting at
 * (y * stride_h - pad_h, x * stride_w - pad_w); taps outside the input are skipped.
 */
#ifndef MICRO_KERNELS_POOL_S8_H
#define MICRO_KERNELS_POOL_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

typedef struct {
    int32_t batches;        /* >= 1 */
    int32_t input_h;        /* >= 1 */
    int32_t input_w;        /* >= 1 */
    int32_t channels;       /* >= 1, innermost in input and output */
    int32_t output_h;       /* >= 1; every window overlaps the input */
    int32_t output_w;       /* >= 1 */
    int32_t filter_h;       /* >= 1; filter_h * filter_w <= 2^21 */
    int32_t filter_w;       /* >= 1 */
    int32_t stride_h;       /* >= 1 */
    int32_t stride_w;       /* >= 1 */
    int32_t pad_h;          /* [0, filter_h): padding rows before the input */
    int32_t pad_w;          /* [0, filter_w): padding columns before the input */
    int32_t act_min;        /* [-128, act_max] */
    int32_t act_max;        /* [act_min, 127] */
} micro_pool_s8_params_t;

#endif
