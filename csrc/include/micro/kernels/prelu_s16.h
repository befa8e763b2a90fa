/*
 * PRELU, int16 input and output, int8 alpha broadcast to the input (TFLM's
 * BroadcastPrelu4DSlow for int16, which requires an int8 alpha): prelu_s8's arithmetic and
 * params (micro/kernels/prelu_s8.h) with input_zp and output_zp in [-32768, 32767] and the
 * output clamped to int16.
 */
#ifndef MICRO_KERNELS_PRELU_S16_H
#define MICRO_KERNELS_PRELU_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/prelu_s8.h"

typedef micro_prelu_s8_params_t micro_prelu_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_PRELU_S16_INPUT,   /* int16, as large as its strides reach */
    MICRO_PRELU_S16_ALPHA,   /* int8, likewise */
    MICRO_PRELU_S16_OUTPUT,  /* int16[product of dims] */
    MICRO_PRELU_S16_N_OPERANDS
} micro_prelu_s16_operand_t;

micro_status_t micro_prelu_s16(const micro_prelu_s16_params_t *p, const int16_t *input,
                               const int8_t *alpha, int16_t *output);

#endif
