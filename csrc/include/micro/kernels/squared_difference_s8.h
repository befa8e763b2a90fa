/*
 * SQUARED_DIFFERENCE, int8, with broadcasting (TFLM's quantized kernel, bit for bit):
 *   d = term1[input1] - term2[input2]        (each term: the input's value rescaled to a
 *                                             common scale with 7 bits of headroom, one
 *                                             int32 per byte, computed by the host)
 *   output = clamp(output_zp + requant(d * d, multiplier, shift), act_min, act_max)
 * |d| < 2^15, so d * d fits int32.
 */
#ifndef MICRO_KERNELS_SQUARED_DIFFERENCE_S8_H
#define MICRO_KERNELS_SQUARED_DIFFERENCE_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* the loop nest (micro/kernels/broadcast.h) */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t multiplier;                     /* [0, 2^31) */
    int32_t shift;                          /* [-31, 30], > 0: left */
    int32_t act_min;                        /* [-128, act_max] */
    int32_t act_max;                        /* [act_min, 127] */
} micro_squared_difference_s8_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SQUARED_DIFFERENCE_S8_INPUT1,
    MICRO_SQUARED_DIFFERENCE_S8_INPUT2,
    MICRO_SQUARED_DIFFERENCE_S8_TERMS,
    MICRO_SQUARED_DIFFERENCE_S8_OUTPUT,
    MICRO_SQUARED_DIFFERENCE_S8_N_OPERANDS
} micro_squared_difference_s8_operand_t;

/* Operands: input1 int8, input2 int8 (as large as their strides reach), terms
 * int32[2][256] (each in (-2^15, 2^15), indexed by the input's byte), output int8
 * [product of dims]. */
micro_status_t micro_squared_difference_s8(const micro_squared_difference_s8_params_t *p,
                                           const int8_t *input1, const int8_t *input2,
                                           const int32_t *terms, int8_t *output);

#endif
