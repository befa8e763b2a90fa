/*
 * QUANTIZE between integer types where a 256-entry table does not apply: int16 -> int8,
 * int8 -> int16, int16 -> int16, int8/int16 -> int32, int32 -> int8/int16 (TFLM's
 * Requantize, bit for bit):
 *   output = clamp(output_zp + requant(input - input_zp, multiplier, shift))
 * with int32 arithmetic that wraps as the reference's would (clamp: the output type's
 * range; none for int32). 8-bit -> 8-bit requantization is a lut_s8 table.
 */
#ifndef MICRO_KERNELS_REQUANTIZE_INT_H
#define MICRO_KERNELS_REQUANTIZE_INT_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;          /* elements, >= 1 */
    int32_t input_bits;     /* 8, 16 or 32: int8, int16 or int32 input */
    int32_t output_bits;    /* 8, 16 or 32: int8, int16 or int32 output; not both 8 */
    int32_t input_zp;       /* in the input type's range */
    int32_t output_zp;      /* in the output type's range */
    int32_t multiplier;     /* [0, 2^31): input_scale / output_scale */
    int32_t shift;          /* [-31, 30], > 0: left */
} micro_requantize_int_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_REQUANTIZE_INT_INPUT,   /* int8 / int16 / int32 [count] */
    MICRO_REQUANTIZE_INT_OUTPUT,  /* int8 / int16 / int32 [count] */
    MICRO_REQUANTIZE_INT_N_OPERANDS
} micro_requantize_int_operand_t;

micro_status_t micro_requantize_int(const micro_requantize_int_params_t *p, const void *input,
                                    void *output);

#endif
