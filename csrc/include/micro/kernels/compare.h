/*
 * Elementwise comparisons with broadcasting (micro/kernels/broadcast.h), TFLM's reference:
 *   LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL   -> bool (one byte, 0 or 1)
 *   MAXIMUM  x > y ? x : y,   MINIMUM  x < y ? x : y            -> the inputs' type
 * Values compare as their type (float32 by C's rules, so NaN compares false and unequal),
 * except MICRO_COMPARE_S8_SCALED: int8 values first map through two int32 tables (the
 * host's exact rescale of each input's 256 values to a common scale, as TFLM's quantized
 * comparisons), which keeps the kernel free of per-element multiplies.
 */
#ifndef MICRO_KERNELS_COMPARE_H
#define MICRO_KERNELS_COMPARE_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

#define MICRO_COMPARE_LESS 0
#define MICRO_COMPARE_LESS_EQUAL 1
#define MICRO_COMPARE_GREATER 2
#define MICRO_COMPARE_GREATER_EQUAL 3
#define MICRO_COMPARE_EQUAL 4
#define MICRO_COMPARE_NOT_EQUAL 5
#define MICRO_COMPARE_MAXIMUM 6
#define MICRO_COMPARE_MINIMUM 7

#define MICRO_COMPARE_F32 0
#define MICRO_COMPARE_S8_SCALED 1
#define MICRO_COMPARE_S8 2
#define MICRO_COMPARE_S16 3
#define MICRO_COMPARE_S32 4
#define MICRO_COMPARE_S64 5
#define MICRO_COMPARE_U8 6

typedef struct {
    micro_broadcast_t broadcast;            /* the loop nest (micro/kernels/broadcast.h) */
    int32_t op;                             /* MICRO_COMPARE_LESS .. _MINIMUM */
    int32_t kind;                           /* MICRO_COMPARE_F32 .. _U8: the inputs' type */
} micro_compare_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_COMPARE_INPUT1,
    MICRO_COMPARE_INPUT2,
    MICRO_COMPARE_TABLES,
    MICRO_COMPARE_OUTPUT,
    MICRO_COMPARE_N_OPERANDS
} micro_compare_operand_t;

/* Operands: input1, input2 (of `kind`, as large as their strides reach), tables
 * int32[2][256] (S8_SCALED only, indexed by each input's byte; else absent), output
 * (bool bytes, or the inputs' type for MAXIMUM/MINIMUM) [product of dims]. */
micro_status_t micro_compare(const micro_compare_params_t *p, const void *input1,
                             const void *input2, const int32_t *tables, void *output);

#endif
