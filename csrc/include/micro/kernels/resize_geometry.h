/*
 * The geometry both RESIZE_BILINEAR kernels (int8 and float32) take as their params:
 * NHWC input [batches, in_h, in_w, channels] to output [batches, out_h, out_w, channels].
 */
#ifndef MICRO_KERNELS_RESIZE_GEOMETRY_H
#define MICRO_KERNELS_RESIZE_GEOMETRY_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

typedef struct {
    int32_t batches;    /* >= 1 */
    int32_t in_h;       /* >= 1 */
    int32_t in_w;       /* >= 1 */
    int32_t out_h;      /* >= 1 */
    int32_t out_w;      /* >= 1 */
    int32_t channels;   /* >= 1 */
} micro_resize_geometry_t;

#endif
