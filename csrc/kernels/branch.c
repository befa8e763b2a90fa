#include "micro/kernels/branch.h"

#include <stddef.h>

#include "micro/kernel.h"

/* The executor branches (executor.c, branch_next); the step itself computes nothing. */
static micro_status_t step(const void *params, void *const *op)
{
    (void)params;
    (void)op;
    return MICRO_OK;
}

/* The target against the step count is micro_init's check (verify.c): it alone knows it. */
static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_branch_params_t *p = params;
    (void)op;
    if (p->when == MICRO_BRANCH_ALWAYS) {
        return size[MICRO_BRANCH_COND] == 0 ? MICRO_OK : MICRO_ERR_OPERANDS;
    }
    if (p->when != MICRO_BRANCH_IF_ZERO && p->when != MICRO_BRANCH_IF_NONZERO) {
        return MICRO_ERR_PARAMS;
    }
    return size[MICRO_BRANCH_COND] >= 1 ? MICRO_OK : MICRO_ERR_OPERANDS;
}

/* Overlap rule: none (it writes nothing). */
const micro_kernel_t micro_kernel_branch = {step, check, sizeof(micro_branch_params_t),
                                            MICRO_BRANCH_N_OPERANDS, MICRO_OVERLAP_NONE};
