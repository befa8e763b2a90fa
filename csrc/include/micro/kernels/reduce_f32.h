/*
 * SUM, MEAN, REDUCE_MAX and REDUCE_MIN on float32, over the int8 reductions' canonical
 * layout (micro/kernels/reduce_shape.h), as TFLM's float reference (ReduceGeneric, Mean):
 * each output starts at its initial value and takes the input elements it reduces in
 * input order (merging axes keeps that order):
 *   SUM   0.0f,     out = in + out
 *   MEAN  0.0f,     out = out + in, then out / (float)count   (count: elements per output)
 *   MAX   -FLT_MAX, out = in > out ? in : out                 (NaN inputs are skipped)
 *   MIN   FLT_MAX,  out = in < out ? in : out
 * The output is the accumulator (as in TFLM), so it never overlaps the input.
 */
#ifndef MICRO_KERNELS_REDUCE_F32_H
#define MICRO_KERNELS_REDUCE_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/reduce_shape.h"

#define MICRO_REDUCE_F32_SUM 0
#define MICRO_REDUCE_F32_MEAN 1
#define MICRO_REDUCE_F32_MAX 2
#define MICRO_REDUCE_F32_MIN 3

typedef struct {
    int32_t rank;                         /* [2, MICRO_REDUCE_MAX_DIMS] */
    int32_t dims[MICRO_REDUCE_MAX_DIMS];  /* the canonical layout (reduce_shape.h) */
    uint32_t reduced;                     /* bit d set: dims[d] is reduced */
    int32_t op;                           /* one of MICRO_REDUCE_F32_* */
} micro_reduce_f32_params_t;

/* Operand slots, in a step's order. */
typedef enum {
    MICRO_REDUCE_F32_INPUT,   /* f32[product of dims] */
    MICRO_REDUCE_F32_OUTPUT,  /* f32[product of the kept dims] */
    MICRO_REDUCE_F32_N_OPERANDS
} micro_reduce_f32_operand_t;

micro_status_t micro_reduce_f32(const micro_reduce_f32_params_t *p, const float *input,
                                float *output);

#endif
