/*
 * An int8 -> int8 function as a 256-entry table: output[i] = table[(uint8_t)input[i]].
 * Any elementwise op whose int8 result depends on one int8 input only (LOGISTIC, TANH,
 * ...) runs as this kernel; the host fills the table with the reference's exact integer
 * arithmetic for every input value. Input and output may be the same buffer.
 */
#ifndef MICRO_KERNELS_LUT_S8_H
#define MICRO_KERNELS_LUT_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;          /* >= 1: elements */
} micro_lut_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_LUT_S8_INPUT,   /* int8[count] */
    /* int8[256], indexed by the input's bit pattern (0..127, then -128..-1) */
    MICRO_LUT_S8_TABLE,
    MICRO_LUT_S8_OUTPUT,  /* int8[count] */
    MICRO_LUT_S8_N_OPERANDS
} micro_lut_s8_operand_t;

micro_status_t micro_lut_s8(const micro_lut_s8_params_t *p, const int8_t *input,
                            const int8_t *table, int8_t *output);

#endif
