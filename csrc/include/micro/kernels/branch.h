/*
 * BRANCH: the one control-flow step, from which the compiler builds IF, WHILE and CALL_ONCE
 * (micro/control.py). It computes nothing; the executor continues at step `target` instead
 * of the next one when the branch is taken:
 *   MICRO_BRANCH_ALWAYS      always (cond absent)
 *   MICRO_BRANCH_IF_ZERO     if cond's first byte is 0 (a bool false)
 *   MICRO_BRANCH_IF_NONZERO  if it is not 0
 * A step index is a step boundary by construction; micro_init refuses a target past the
 * last step (MICRO_ERR_JUMP). A target of n_steps ends the invocation. A backward branch
 * makes a loop, which ends when the model's condition says so. Every step of a loop was
 * verified like any other, so whatever path the branches take, no step writes outside its
 * operands; and an invocation fails with MICRO_ERR_LOOP after the runtime's loop limit of
 * backward branches (micro_set_loop_limit; TFLM has none), so a loop that never ends, from a
 * model or a corrupt Program, cannot hang the device.
 */
#ifndef MICRO_KERNELS_BRANCH_H
#define MICRO_KERNELS_BRANCH_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_BRANCH_ALWAYS 0
#define MICRO_BRANCH_IF_ZERO 1
#define MICRO_BRANCH_IF_NONZERO 2

typedef struct {
    uint32_t target;  /* step index to continue at when taken, <= the Program's n_steps */
    int32_t when;     /* MICRO_BRANCH_ALWAYS, _IF_ZERO or _IF_NONZERO */
} micro_branch_params_t;

/* Operand slots, in a step's order. */
typedef enum {
    MICRO_BRANCH_COND,  /* >= 1 byte, read (its first byte); absent for MICRO_BRANCH_ALWAYS */
    MICRO_BRANCH_N_OPERANDS
} micro_branch_operand_t;

#endif
