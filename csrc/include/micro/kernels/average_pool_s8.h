/*
 * AVERAGE_POOL_2D, int8 NHWC (input and output share scale and zero point).
 *   output[b][y][x][c] = clamp(round(sum / count)) over the window taps inside the input
 *   (geometry: pool_s8.h), count their number, rounding half away from zero:
 *   (sum > 0 ? sum + count / 2 : sum - count / 2) / count with C's truncating division.
 */
#ifndef MICRO_KERNELS_AVERAGE_POOL_S8_H
#define MICRO_KERNELS_AVERAGE_POOL_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/pool_s8.h"

typedef micro_pool_s8_params_t micro_average_pool_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_AVERAGE_POOL_S8_INPUT,   /* int8[B*H*W*C] */
    MICRO_AVERAGE_POOL_S8_OUTPUT,  /* int8[B*OH*OW*C] */
    MICRO_AVERAGE_POOL_S8_N_OPERANDS
} micro_average_pool_s8_operand_t;

micro_status_t micro_average_pool_s8(const micro_pool_s8_params_t *p, const int8_t *input,
                                     int8_t *output);

#endif
