/*
 * SELECT_V2 with broadcasting, any element type (bytes move):
 *   output[i] = condition[i . stride_c] ? x[i . stride_x] : y[i . stride_y]
 * over the output index i (row-major, outermost dim first), each input reading with its
 * own element strides (0 along a broadcast dim).
 */
#ifndef MICRO_KERNELS_SELECT_H
#define MICRO_KERNELS_SELECT_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SELECT_MAX_DIMS 6

typedef struct {
    int32_t elem_size;                          /* bytes per x, y, output element: 1-8 */
    int32_t rank;                               /* [1, MICRO_SELECT_MAX_DIMS] */
    int32_t dims[MICRO_SELECT_MAX_DIMS];        /* output extents, >= 1 */
    int32_t stride_c[MICRO_SELECT_MAX_DIMS];    /* condition strides in elements, >= 0 */
    int32_t stride_x[MICRO_SELECT_MAX_DIMS];    /* x strides in elements, >= 0 */
    int32_t stride_y[MICRO_SELECT_MAX_DIMS];    /* y strides in elements, >= 0 */
} micro_select_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SELECT_CONDITION,
    MICRO_SELECT_X,
    MICRO_SELECT_Y,
    MICRO_SELECT_OUTPUT,
    MICRO_SELECT_N_OPERANDS
} micro_select_operand_t;

/* Operands: condition bool (one byte each), x, y, output [product of dims]. */
micro_status_t micro_select(const micro_select_params_t *p, const uint8_t *condition,
                            const void *x, const void *y, void *output);

#endif
