/*
 * ADD_N: the elementwise sum of 2 to MICRO_ADD_N_MAX_INPUTS same-shaped tensors (TFLM's
 * reference):
 *   float32: x = 0, then x += input_j[i] for j in order;
 *   int8:    x = terms[byte 0] (the reference starts from the rescaled -input_zp, not 0),
 *            x += terms[input_j[i]] (int32, wrapping), output =
 *            clamp(output_zp + requant(x, multiplier, shift), -128, 127).
 * terms[q] = requant((q - input_zp) * 2^20, 1/2) by input byte (all inputs share one
 * quantization), computed by the host.
 */
#ifndef MICRO_KERNELS_ADD_N_H
#define MICRO_KERNELS_ADD_N_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_ADD_N_MAX_INPUTS 8
#define MICRO_ADD_N_F32 0
#define MICRO_ADD_N_S8 1

typedef struct {
    int32_t kind;           /* MICRO_ADD_N_F32 or MICRO_ADD_N_S8 */
    int32_t count;          /* >= 1: elements of each tensor */
    int32_t n_inputs;       /* [2, MICRO_ADD_N_MAX_INPUTS]: the first n input slots */
    int32_t multiplier;     /* int8: [0, 2^31), 2 input_scale / (2^20 output_scale) */
    int32_t shift;          /* int8: [-31, 0] */
    int32_t output_zp;      /* int8: [-128, 127] */
} micro_add_n_params_t;

/* Operand slots: inputs 0..7 (float32 or int8 [count]; absent from n_inputs on), terms
 * (int8: int32[256] by input byte; float32: absent), output like the inputs. */
typedef enum {
    MICRO_ADD_N_INPUT0,
    MICRO_ADD_N_INPUT1,
    MICRO_ADD_N_INPUT2,
    MICRO_ADD_N_INPUT3,
    MICRO_ADD_N_INPUT4,
    MICRO_ADD_N_INPUT5,
    MICRO_ADD_N_INPUT6,
    MICRO_ADD_N_INPUT7,
    MICRO_ADD_N_TERMS,
    MICRO_ADD_N_OUTPUT,
    MICRO_ADD_N_N_OPERANDS
} micro_add_n_operand_t;

micro_status_t micro_add_n(const micro_add_n_params_t *p, const void *const *inputs,
                           const int32_t *terms, void *output);

#endif
