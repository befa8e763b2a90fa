#include "micro/kernels/assign_variable.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_assign_variable(const micro_assign_variable_params_t *p, const void *value,
                                     void *variable)
{
    memcpy(variable, value, (size_t)p->size);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_assign_variable(params, op[MICRO_ASSIGN_VARIABLE_VALUE],
                                 op[MICRO_ASSIGN_VARIABLE_VARIABLE]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_assign_variable_params_t *p = params;
    if (p->size < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_ASSIGN_VARIABLE_VALUE], p->size, 1) ||
        !micro_fits(size[MICRO_ASSIGN_VARIABLE_VARIABLE], p->size, 1) ||
        !micro_disjoint(op[MICRO_ASSIGN_VARIABLE_VALUE], size[MICRO_ASSIGN_VARIABLE_VALUE],
                        op[MICRO_ASSIGN_VARIABLE_VARIABLE], size[MICRO_ASSIGN_VARIABLE_VARIABLE])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the variable persists; the value is another tensor's bytes). */
const micro_kernel_t micro_kernel_assign_variable = {
    step, check, sizeof(micro_assign_variable_params_t), MICRO_ASSIGN_VARIABLE_N_OPERANDS,
    MICRO_OVERLAP_NONE};
