/*
 * ASSIGN_VARIABLE: copy a value into a resource variable, state that persists across
 * invocations (the compiler resolves each VAR_HANDLE to one such buffer):
 *   variable[i] = value[i]   for the first `size` bytes
 * (any element type; bytes are copied, never interpreted). READ_VARIABLE is a plain copy
 * out of the variable (strided_copy).
 */
#ifndef MICRO_KERNELS_ASSIGN_VARIABLE_H
#define MICRO_KERNELS_ASSIGN_VARIABLE_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t size;  /* >= 1: bytes copied; both operands hold at least this many */
} micro_assign_variable_params_t;

/* Operand slots, in a step's order. */
typedef enum {
    MICRO_ASSIGN_VARIABLE_VALUE,     /* size bytes, read */
    MICRO_ASSIGN_VARIABLE_VARIABLE,  /* size bytes of state, written; never overlaps value */
    MICRO_ASSIGN_VARIABLE_N_OPERANDS
} micro_assign_variable_operand_t;

micro_status_t micro_assign_variable(const micro_assign_variable_params_t *p, const void *value,
                                     void *variable);

#endif
