/*
 * LOGISTIC and TANH on int16 (zero points 0, output scale 2^-15), as TFLM's int16
 * reference: each input becomes (x * multiplier + round) >> shift, then the sigmoid table
 * is interpolated (tanh(x) = 2 sigmoid(2x) - 1 from the same table); see sigmoid_s16.h.
 */
#ifndef MICRO_KERNELS_LOGISTIC_TANH_S16_H
#define MICRO_KERNELS_LOGISTIC_TANH_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_LOGISTIC_S16 0
#define MICRO_TANH_S16 1

typedef struct {
    int32_t op;          /* MICRO_LOGISTIC_S16 or MICRO_TANH_S16 */
    int32_t count;       /* >= 1: elements */
    int32_t multiplier;  /* [0, 32767 << 1]: the input rescale (TFLM's, power-of-two folded) */
    int32_t shift;       /* [0, 30]: rounding right shift after the multiply */
} micro_logistic_tanh_s16_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_LOGISTIC_TANH_S16_INPUT,
    MICRO_LOGISTIC_TANH_S16_TABLE,
    MICRO_LOGISTIC_TANH_S16_OUTPUT,
    MICRO_LOGISTIC_TANH_S16_N_OPERANDS
} micro_logistic_tanh_s16_operand_t;

/* Operands: input int16[count], table uint16[256] (micro.quant.sigmoid_table_u16),
 * output int16[count]. */
micro_status_t micro_logistic_tanh_s16(const micro_logistic_tanh_s16_params_t *p,
                                       const int16_t *input, const uint16_t *table,
                                       int16_t *output);

#endif
