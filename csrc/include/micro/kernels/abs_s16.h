/*
 * ABS, int16 (TFLM's elementwise.cc, bit for bit): with v = |input| (zero points are 0):
 *   rescale:  output = clamp(requant(v, multiplier, shift))   the scales differ
 *   else:     output = clamp(v)                               the scales are equal
 * clamping to [-32768, 32767] where the tensors are quantized (saturate), or wrapping v to
 * int16 where they are not, as std::abs on an int16 does (|-32768| is -32768).
 * (int8 ABS is a lut_s8 table.)
 */
#ifndef MICRO_KERNELS_ABS_S16_H
#define MICRO_KERNELS_ABS_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;        /* elements, >= 1 */
    int32_t rescale;      /* 1: requantize v to the output scale; 0: v as it is */
    int32_t multiplier;   /* [0, 2^31): input_scale / output_scale */
    int32_t shift;        /* [-31, 30], > 0: left */
    int32_t saturate;     /* 1: clamp to int16 (quantized); 0: wrap to int16 (unquantized) */
} micro_abs_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_ABS_S16_INPUT,   /* int16[count] */
    MICRO_ABS_S16_OUTPUT,  /* int16[count] */
    MICRO_ABS_S16_N_OPERANDS
} micro_abs_s16_operand_t;

micro_status_t micro_abs_s16(const micro_abs_s16_params_t *p, const int16_t *input,
                             int16_t *output);

#endif
