/*
 * QUANTIZE between integer types with an int16 side: int16 -> int8, int8 -> int16,
 * int16 -> int16 (TFLM's Requantize, bit for bit):
 *   output = clamp(output_zp + requant(input - input_zp, multiplier, shift))
 * (8-bit -> 8-bit requantization is a lut_s8 table.)
 */
#ifndef MICRO_KERNELS_REQUANTIZE_S16_H
#define MICRO_KERNELS_REQUANTIZE_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;          /* elements, >= 1 */
    int32_t input_bits;     /* 8: int8 input, 16: int16 input */
    int32_t output_bits;    /* 8: int8 output, 16: int16 output */
    int32_t input_zp;       /* in the input type's range */
    int32_t output_zp;      /* in the output type's range */
    int32_t multiplier;     /* [0, 2^31): input_scale / output_scale */
    int32_t shift;          /* [-31, 30], > 0: left */
} micro_requantize_s16_params_t;

/* Operands: input int8 / int16 [count], output int8 / int16 [count]. */
micro_status_t micro_requantize_s16(const micro_requantize_s16_params_t *p, const void *input,
                                    void *output);

#endif
