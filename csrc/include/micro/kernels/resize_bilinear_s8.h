/*
 * RESIZE_BILINEAR, int8, as TFLM's integer reference: coordinates in 10 fractional bits.
 * For output row y the host gives the two source rows y0, y1 and the weight wy of y1 (the
 * source coordinate minus 1024 * y0), likewise x0, x1, wx per output column; then
 *   acc = in[y0,x0] (1024 - wy)(1024 - wx) + in[y1,x0] wy (1024 - wx)
 *       + in[y0,x1] (1024 - wy) wx       + in[y1,x1] wy wx          (64-bit)
 *   out = (acc + (acc > 0 ? 2^19 : -2^19)) / 2^20    (C division, truncating; then int8)
 * Input and output are NHWC; the quantization passes through unchanged.
 */
#ifndef MICRO_KERNELS_RESIZE_BILINEAR_S8_H
#define MICRO_KERNELS_RESIZE_BILINEAR_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/resize_geometry.h"

/* Largest |weight| a table may hold: keeps every product far inside 64 bits. */
#define MICRO_RESIZE_MAX_WEIGHT 65536

typedef micro_resize_geometry_t micro_resize_bilinear_s8_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_RESIZE_BILINEAR_S8_INPUT,
    MICRO_RESIZE_BILINEAR_S8_ROWS,
    MICRO_RESIZE_BILINEAR_S8_COLS,
    MICRO_RESIZE_BILINEAR_S8_OUTPUT,
    MICRO_RESIZE_BILINEAR_S8_N_OPERANDS
} micro_resize_bilinear_s8_operand_t;

/* Operands: input int8[batches, in_h, in_w, channels]; rows int32[out_h][3] (y0, y1, wy
 * with 0 <= y0, y1 < in_h); cols int32[out_w][3] (x0, x1, wx, 0 <= x0, x1 < in_w);
 * output int8[batches, out_h, out_w, channels]. */
micro_status_t micro_resize_bilinear_s8(const micro_resize_bilinear_s8_params_t *p,
                                        const int8_t *input, const int32_t *rows,
                                        const int32_t *cols, int8_t *output);

#endif
