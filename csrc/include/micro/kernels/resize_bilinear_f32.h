/*
 * RESIZE_BILINEAR, float32, as TFLM's float reference. For output row y the host gives the
 * source rows y0, y1 and the weights (1 - dy, dy) with dy = source coordinate - y0, all in
 * TFLM's float32 arithmetic (a half-pixel coordinate below 0 gives dy < 0, as there);
 * likewise x0, x1, (1 - dx, dx) per output column. Then, in this order and in float:
 *   out = in[y0,x0] (1-dy) (1-dx) + in[y1,x0] dy (1-dx) + in[y0,x1] (1-dy) dx
 *       + in[y1,x1] dy dx + 0.0f
 * Input and output are NHWC.
 */
#ifndef MICRO_KERNELS_RESIZE_BILINEAR_F32_H
#define MICRO_KERNELS_RESIZE_BILINEAR_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/resize_geometry.h"

typedef micro_resize_geometry_t micro_resize_bilinear_f32_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_RESIZE_BILINEAR_F32_INPUT,
    MICRO_RESIZE_BILINEAR_F32_ROWS,
    MICRO_RESIZE_BILINEAR_F32_COLS,
    MICRO_RESIZE_BILINEAR_F32_WEIGHTS,
    MICRO_RESIZE_BILINEAR_F32_OUTPUT,
    MICRO_RESIZE_BILINEAR_F32_N_OPERANDS
} micro_resize_bilinear_f32_operand_t;

/* Operands: input f32[batches, in_h, in_w, channels]; rows int32[out_h][2] (y0, y1, each in
 * [0, in_h)); cols int32[out_w][2] (x0, x1 in [0, in_w)); weights f32[out_h][2] (1 - dy,
 * dy) then f32[out_w][2] (1 - dx, dx); output f32[batches, out_h, out_w, channels]. */
micro_status_t micro_resize_bilinear_f32(const micro_resize_bilinear_f32_params_t *p,
                                         const float *input, const int32_t *rows,
                                         const int32_t *cols, const float *weights,
                                         float *output);

#endif
