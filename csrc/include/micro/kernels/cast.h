/*
 * CAST between int8, int16, int32, uint32, float32 and bool, as C++ static_cast does on
 * two's complement targets: integers wrap to the narrower width; floats truncate toward
 * zero, saturate to the integer type's range, and NaN gives 0 (TFLM's result, which C
 * leaves undefined).
 */
#ifndef MICRO_KERNELS_CAST_H
#define MICRO_KERNELS_CAST_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

/* Element types of a cast. */
#define MICRO_CAST_INT8 0
#define MICRO_CAST_INT16 1
#define MICRO_CAST_INT32 2
#define MICRO_CAST_UINT32 3
#define MICRO_CAST_FLOAT32 4
#define MICRO_CAST_BOOL 5   /* one byte, 0 or not 0 (input only) */

typedef struct {
    int32_t count;   /* N >= 1: elements */
    int32_t from;    /* MICRO_CAST_*: input type */
    int32_t to;      /* MICRO_CAST_*: output type (not BOOL) */
} micro_cast_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_CAST_INPUT,   /* from[N] */
    MICRO_CAST_OUTPUT,  /* to[N] */
    MICRO_CAST_N_OPERANDS
} micro_cast_operand_t;

micro_status_t micro_cast(const micro_cast_params_t *p, const void *input, void *output);

#endif
