/*
 * DEQUANTIZE int8 / uint8 / int16 -> float32 (TFLM's Dequantize, bit for bit):
 *   output = scale * (input - input_zp)
 * TFLM multiplies in double and rounds to float once; the exact product of a float scale
 * and an integer below 2^17 fits a double, so one float32 multiply rounds identically.
 */
#ifndef MICRO_KERNELS_DEQUANTIZE_F32_H
#define MICRO_KERNELS_DEQUANTIZE_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_DEQUANTIZE_S8 0
#define MICRO_DEQUANTIZE_U8 1
#define MICRO_DEQUANTIZE_S16 2

typedef struct {
    int32_t count;          /* elements, >= 1 */
    int32_t input_type;     /* MICRO_DEQUANTIZE_S8, _U8 or _S16 */
    int32_t input_zp;       /* in the input type's range */
    float scale;            /* input scale */
} micro_dequantize_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_DEQUANTIZE_F32_INPUT,   /* int8 / uint8 / int16 [count] */
    MICRO_DEQUANTIZE_F32_OUTPUT,  /* f32[count] */
    MICRO_DEQUANTIZE_F32_N_OPERANDS
} micro_dequantize_f32_operand_t;

micro_status_t micro_dequantize_f32(const micro_dequantize_f32_params_t *p, const void *input,
                                    float *output);

#endif
