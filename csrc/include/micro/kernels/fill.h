/*
 * FILL and ZEROS_LIKE: every element of the output is a copy of one value's bytes
 *   output[i] = value   for i in [0, count)
 * (any element type; bytes are copied, never interpreted). ZEROS_LIKE's value is a
 * constant zero.
 */
#ifndef MICRO_KERNELS_FILL_H
#define MICRO_KERNELS_FILL_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t elem_size;  /* bytes per element: 1, 2, 4 or 8 */
    int32_t count;      /* >= 1: output elements */
} micro_fill_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_FILL_VALUE,
    MICRO_FILL_OUTPUT,
    MICRO_FILL_N_OPERANDS
} micro_fill_operand_t;

/* Operands: value (one element), output (count elements). */
micro_status_t micro_fill(const micro_fill_params_t *p, const void *value, void *output);

#endif
