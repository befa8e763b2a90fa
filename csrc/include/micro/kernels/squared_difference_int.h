/*
 * SQUARED_DIFFERENCE on int16 (quantized, zero points 0) and int32 (raw values), with
 * broadcasting, as TFLM's reference kernels compute them:
 *   int16: d = requant(x1, multiplier1, shift1) - requant(x2, multiplier2, shift2)
 *          (each input rescaled to twice the larger input scale; |d| <= 2^15),
 *          output = clamp(requant(d * d, multiplier, shift), -32768, 32767)
 *   int32: d = x1 - x2, output = d * d, both wrapping modulo 2^32 (the reference's int32
 *          arithmetic on two's complement; no rescale, no clamp).
 */
#ifndef MICRO_KERNELS_SQUARED_DIFFERENCE_INT_H
#define MICRO_KERNELS_SQUARED_DIFFERENCE_INT_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

#define MICRO_SQUARED_DIFFERENCE_S16 0
#define MICRO_SQUARED_DIFFERENCE_S32 1

typedef struct {
    micro_broadcast_t broadcast;            /* the loop nest (micro/kernels/broadcast.h) */
    int32_t kind;                           /* MICRO_SQUARED_DIFFERENCE_S16 or _S32 */
    int32_t multiplier1;                    /* int16: [0, 2^31), input1 to the common scale */
    int32_t shift1;                         /* int16: [-31, 0] */
    int32_t multiplier2;                    /* int16: [0, 2^31), input2 to the common scale */
    int32_t shift2;                         /* int16: [-31, 0] */
    int32_t multiplier;                     /* int16: [0, 2^31), squared difference to output */
    int32_t shift;                          /* int16: [-31, 30], > 0: left */
} micro_squared_difference_int_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SQUARED_DIFFERENCE_INT_INPUT1,
    MICRO_SQUARED_DIFFERENCE_INT_INPUT2,
    MICRO_SQUARED_DIFFERENCE_INT_OUTPUT,
    MICRO_SQUARED_DIFFERENCE_INT_N_OPERANDS
} micro_squared_difference_int_operand_t;

/* Operands: input1, input2 (int16 or int32, as large as their strides reach), output of the
 * same type [product of dims]. */
micro_status_t micro_squared_difference_int(const micro_squared_difference_int_params_t *p,
                                            const void *input1, const void *input2,
                                            void *output);

#endif
