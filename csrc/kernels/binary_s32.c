#include "micro/kernels/binary_s32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

/* Wrap-around add, subtract and multiply without signed overflow. */
static inline int32_t wrap(uint32_t u)
{
    return (int32_t)(u & 0x7FFFFFFFu) + ((u >> 31) != 0 ? INT32_MIN : 0);
}

static inline int32_t apply(int32_t op, int32_t a, int32_t b)
{
    if (op == MICRO_BINARY_ADD) {
        return wrap((uint32_t)a + (uint32_t)b);
    }
    if (op == MICRO_BINARY_SUB) {
        return wrap((uint32_t)a - (uint32_t)b);
    }
    if (op == MICRO_BINARY_MUL) {
        return wrap((uint32_t)a * (uint32_t)b);
    }
    if (op == MICRO_BINARY_DIV) {
        return (a == INT32_MIN && b == -1) ? INT32_MIN : a / b;
    }
    if (op == MICRO_BINARY_MIN) {
        return a < b ? a : b;
    }
    return a > b ? a : b;
}

/* One loop per op so each can vectorise, dispatched through a table: a switch (or an
 * if-chain, which GCC turns into one) calls a libgcc case-table helper on Thumb-1. */
typedef void (*binary_loop_t)(const micro_binary_s32_params_t *p, const int32_t *input1,
                              const int32_t *input2, int32_t *output);

#define BINARY_LOOP(NAME, OP)                                                              \
    static void NAME(const micro_binary_s32_params_t *p, const int32_t *input1,            \
                     const int32_t *input2, int32_t *output)                               \
    {                                                                                      \
        /* Locals: the int32 output stores may alias p's fields. */                        \
        const int32_t n = p->count, s1 = p->stride1, s2 = p->stride2;                      \
        const int32_t lo = p->act_min, hi = p->act_max;                                    \
        if (lo == INT32_MIN && hi == INT32_MAX) { /* no clamp: one loop without it */      \
            for (int32_t i = 0; i < n; ++i) {                                              \
                output[i] = apply(OP, input1[i * s1], input2[i * s2]);                     \
            }                                                                              \
            return;                                                                        \
        }                                                                                  \
        for (int32_t i = 0; i < n; ++i) {                                                  \
            output[i] = micro_clamp(apply(OP, input1[i * s1], input2[i * s2]), lo, hi);    \
        }                                                                                  \
    }

BINARY_LOOP(loop_add, MICRO_BINARY_ADD)
BINARY_LOOP(loop_sub, MICRO_BINARY_SUB)
BINARY_LOOP(loop_mul, MICRO_BINARY_MUL)
BINARY_LOOP(loop_div, MICRO_BINARY_DIV)
BINARY_LOOP(loop_min, MICRO_BINARY_MIN)
BINARY_LOOP(loop_max, MICRO_BINARY_MAX)

/* In MICRO_BINARY_* order. */
static const binary_loop_t binary_loops[6] = {loop_add, loop_sub, loop_mul,
                                              loop_div, loop_min, loop_max};

micro_status_t micro_binary_s32(const micro_binary_s32_params_t *p, const int32_t *input1,
                                const int32_t *input2, int32_t *output)
{
    if (p->op == MICRO_BINARY_DIV) {
        const int32_t n2 = p->stride2 ? p->count : 1;
        for (int32_t i = 0; i < n2; ++i) {
            if (input2[i] == 0) {
                return MICRO_ERR_DIV_ZERO;
            }
        }
    }
    /* An out-of-range op (refused by check) is taken as MAX. */
    const int32_t op = micro_in_range(p->op, MICRO_BINARY_ADD, MICRO_BINARY_MAX)
                           ? p->op
                           : MICRO_BINARY_MAX;
    binary_loops[op](p, input1, input2, output);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_binary_s32(params, op[MICRO_BINARY_S32_INPUT1], op[MICRO_BINARY_S32_INPUT2],
                            op[MICRO_BINARY_S32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_binary_s32_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->op, MICRO_BINARY_ADD, MICRO_BINARY_MAX) || p->count < 1 ||
        !micro_in_range(p->stride1, 0, 1) || !micro_in_range(p->stride2, 0, 1) ||
        p->act_min > p->act_max) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_BINARY_S32_INPUT1], p->stride1 ? p->count : 1, 4) ||
        !micro_fits(size[MICRO_BINARY_S32_INPUT2], p->stride2 ? p->count : 1, 4) ||
        !micro_fits(size[MICRO_BINARY_S32_OUTPUT], p->count, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over an input of N elements (stride 1): element i read, then
 * written; a one-element (broadcast) input is read throughout. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_binary_s32_params_t *p = params;
    (void)size;
    const int dense = (in == MICRO_BINARY_S32_INPUT1 && p->stride1 == 1) ||
                      (in == MICRO_BINARY_S32_INPUT2 && p->stride2 == 1);
    return dense && out == MICRO_BINARY_S32_OUTPUT ? micro_elementwise_gap(p->count, 4, 4)
                                                   : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_binary_s32 = {step, check, sizeof(micro_binary_s32_params_t),
                                                MICRO_BINARY_S32_N_OPERANDS, gap};
