/*
 * The Program verifier behind micro_init, second half: the steps of a blob that
 * verify_program.c has accepted.
 *
 * It checks the inputs, outputs and variables, then for every step that its kernel is
 * linked, its params struct and operands lie inside their regions with the right count
 * and alignment, that they keep the kernel's access contract (no written operand over
 * another operand but the pair the step declares), that the kernel's own check accepts
 * them, that the declared pair sits at a distance the kernel's overlap rule allows, and
 * that a branch lands on a step of the program (or its end); then each streamed input's
 * row requests. After that, micro_invoke only resolves operand offsets to pointers and
 * calls kernels (executor.c).
 */
#include <stddef.h>

#include "micro/micro.h"
#include "verify.h"

uint32_t micro_overlap_gap(uint32_t kernel, const void *params, const uint32_t *sizes,
                           uint32_t in, uint32_t out)
{
    const micro_kernel_t *k = micro_kernel_get(kernel);
    if (k == NULL || k->gap == NULL || params == NULL || sizes == NULL || in == out ||
        in >= k->n_operands || out >= k->n_operands) {
        return MICRO_NO_OVERLAP;
    }
    return k->gap(params, sizes, in, out);
}

/* 1 if arena ranges [a, a + an) and [b, b + bn) share a byte. */
static int overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
    return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* Where `ref` (an arena operand) meets the variables: 0 not at all, 1 inside one, 2 across
 * the edge of one (never legitimate). */
static int variable_relation(const micro_runtime_t *rt, const micro_ref_t *ref)
{
    const micro_program_header_t *h = rt->header;
    int inside_one = 0;
    for (uint32_t v = 0; v < h->n_variables; ++v) {
        const micro_ref_t *var = &micro_refs(rt)[h->variables_first + MICRO_VARIABLE_REFS * v];
        if (overlap(ref->offset, ref->size, var->offset, var->size)) {
            if (ref->offset < var->offset ||
                (uint64_t)ref->offset + ref->size > (uint64_t)var->offset + var->size) {
                return 2;
            }
            inside_one = 1;
        }
    }
    return inside_one;
}

/* Whether the Program records that written operand `w` of a step may overlap operand `x`:
 * the one pair a step declares (program.h), whose distance check_declared_overlap checks
 * against the kernel's overlap rule. */
static int overlap_declared(const micro_runtime_t *rt, const micro_step_t *s, uint32_t w,
                            uint32_t x)
{
    (void)rt;
    return s->overlap_out == w && s->overlap_in == x;
}

/* 1 if `ref` names a streamed input as that input's own reference does. */
static int stream_of_input(const micro_runtime_t *rt, const micro_ref_t *ref)
{
    const uint32_t index = ref->offset & ~(uint32_t)MICRO_REF_STREAM;
    if (!micro_is_stream(ref) || index >= rt->header->n_inputs) {
        return 0;
    }
    const micro_ref_t *input = &micro_refs(rt)[rt->header->inputs_first + index];
    return input->offset == ref->offset && input->size == ref->size && ref->size != 0;
}

/* The kernel's operand access contract (kernels.def), from the refs alone: constants in the
 * program, written operands in the arena, state inside a variable, nothing written over a
 * variable or over another operand of the step. Reads no operand's contents. */
static micro_status_t check_access(const micro_runtime_t *rt, const micro_step_t *s,
                                   const char *access)
{
    const micro_ref_t *ops = &micro_refs(rt)[s->first_ref];
    for (uint32_t i = 0; i < s->n_operands; ++i) {
        const micro_ref_t *r = &ops[i];
        const int is_const = (r->offset & MICRO_REF_CONST) != 0;
        if (access[i] == 'r' || micro_is_stream(r)) {  /* a stream where, and only where, asked */
            if (access[i] != 'r' || !stream_of_input(rt, r)) {
                return MICRO_ERR_ACCESS;
            }
            continue;
        }
        if (r->size == 0 || access[i] == 'i') {
            continue;
        }
        if (access[i] == 'c') {
            if (!is_const) {
                return MICRO_ERR_ACCESS;
            }
            continue;
        }
        if (is_const || variable_relation(rt, r) != (access[i] == 'v' ? 1 : 0)) {
            return MICRO_ERR_ACCESS;
        }
        for (uint32_t j = 0; j < s->n_operands; ++j) {
            const micro_ref_t *q = &ops[j];
            if (j != i && q->size != 0 && !(q->offset & MICRO_REF_CONST) && !micro_is_stream(q) &&
                overlap(r->offset, r->size, q->offset, q->size) &&
                !overlap_declared(rt, s, i, j)) {
                return MICRO_ERR_ACCESS;
            }
        }
    }
    return MICRO_OK;
}

/* 1 if the kernel declares exactly n operands (no strlen: csrc links no libc but memory). */
static int access_fits(const char *access, uint32_t n)
{
    if (access == NULL) {
        return 0;
    }
    for (uint32_t i = 0; i < n; ++i) {
        if (access[i] == '\0') {
            return 0;
        }
    }
    return access[n] == '\0';
}

/* The pair a step declares overlapping (if any): both arena operands, the output starting
 * below the input by at least the gap the kernel's overlap rule asks for these params. */
static micro_status_t check_declared_overlap(const micro_step_t *s, const micro_ref_t *r,
                                             const void *params, const uint32_t *sizes)
{
    const uint32_t in = s->overlap_in, out = s->overlap_out;
    if (in == MICRO_NO_OPERAND && out == MICRO_NO_OPERAND) {
        return MICRO_OK;
    }
    if (in >= s->n_operands || out >= s->n_operands || r[in].size == 0 || r[out].size == 0 ||
        (r[in].offset & MICRO_REF_CONST) || (r[out].offset & MICRO_REF_CONST) ||
        r[out].offset > r[in].offset) {
        return MICRO_ERR_OVERLAP;
    }
    const uint32_t gap = micro_overlap_gap(s->kernel, params, sizes, in, out);
    return gap != MICRO_NO_OVERLAP && r[in].offset - r[out].offset >= gap ? MICRO_OK
                                                                            : MICRO_ERR_OVERLAP;
}

static micro_status_t check_step(const micro_runtime_t *rt, const micro_step_t *s)
{
    const micro_program_header_t *h = rt->header;
    const micro_kernel_t *k = micro_kernel_get(s->kernel);
    const char *access = micro_kernel_access(s->kernel);
    if (k == NULL || !access_fits(access, k->n_operands)) {
        return MICRO_ERR_KERNEL;
    }
    if (s->n_operands != k->n_operands || s->n_operands > MICRO_MAX_OPERANDS ||
        !micro_inside(s->first_ref, s->n_operands, 1, h->n_refs)) {
        return MICRO_ERR_OPERANDS;
    }
    if (s->params % 4) {
        return MICRO_ERR_ALIGN;
    }
    if (!micro_inside(s->params, k->params_size, 1, h->size - h->data_offset)) {
        return MICRO_ERR_LAYOUT;
    }
    void *ops[MICRO_MAX_OPERANDS];
    uint32_t sizes[MICRO_MAX_OPERANDS];
    for (uint32_t i = 0; i < s->n_operands; ++i) {
        const micro_ref_t *ref = &micro_refs(rt)[s->first_ref + i];
        const micro_status_t status = micro_check_ref(h, ref, h->arena_size);
        if (status != MICRO_OK) {
            return status;
        }
        ops[i] = micro_resolve(rt, ref);
        sizes[i] = ref->size;
    }
    micro_status_t status = check_access(rt, s, access);
    if (status != MICRO_OK) {
        return status;
    }
    const void *params = rt->program + h->data_offset + s->params;
    status = k->check(params, ops, sizes);
    if (status != MICRO_OK) {
        return status;
    }
    if (s->kernel == MICRO_K_BRANCH &&
        ((const micro_branch_params_t *)params)->target > h->n_steps) {
        return MICRO_ERR_JUMP;
    }
    return check_declared_overlap(s, &micro_refs(rt)[s->first_ref], params, sizes);
}

static micro_status_t check_io(const micro_runtime_t *rt)
{
    const micro_program_header_t *h = rt->header;
    for (uint32_t i = 0; i < h->n_inputs + h->n_outputs; ++i) {
        const uint32_t index = i < h->n_inputs ? h->inputs_first + i
                                               : h->outputs_first + (i - h->n_inputs);
        const micro_ref_t *ref = &micro_refs(rt)[index];
        if ((ref->offset & MICRO_REF_CONST) ||
            (micro_is_stream(ref) && (i >= h->n_inputs || !stream_of_input(rt, ref)))) {
            return MICRO_ERR_LAYOUT;
        }
        const micro_status_t status = micro_check_ref(h, ref, h->arena_size);
        if (status != MICRO_OK) {
            return status;
        }
    }
    for (uint32_t i = 0; i < h->n_variables; ++i) {
        const micro_ref_t *var = &micro_refs(rt)[h->variables_first + MICRO_VARIABLE_REFS * i];
        micro_status_t status = micro_check_ref(h, var, h->arena_size);
        if (status != MICRO_OK) {
            return status;
        }
        if ((var->offset & MICRO_REF_CONST) || micro_is_stream(var)) {
            return MICRO_ERR_LAYOUT;
        }
        for (uint32_t k = 1; k < MICRO_VARIABLE_REFS; ++k) {  /* the init and reset values */
            const micro_ref_t *value = var + k;
            if (k == 2 && value->offset == var->offset && value->size == var->size) {
                continue;  /* reset keeps the variable (a run-once flag) */
            }
            status = micro_check_ref(h, value, h->arena_size);
            if (status != MICRO_OK) {
                return status;
            }
            if (micro_is_stream(value) || (value->size != 0 && (!(value->offset & MICRO_REF_CONST) ||
                                                                value->size != var->size))) {
                return MICRO_ERR_LAYOUT;
            }
        }
        for (uint32_t j = 0; j < i; ++j) {  /* state that persists never shares a byte */
            const micro_ref_t *other = &micro_refs(rt)[h->variables_first + MICRO_VARIABLE_REFS * j];
            if (overlap(var->offset, var->size, other->offset, other->size)) {
                return MICRO_ERR_LAYOUT;
            }
        }
    }
    return MICRO_OK;
}

/* The stream_rows steps of streamed input k (their params already checked) in step order:
 * each asks for rows after all rows asked before (each row once, in order, as a camera
 * delivers them), keeps no more rows than its halo buffer holds, and uses one buffer. */
static micro_status_t check_stream(micro_runtime_t *rt, uint32_t k)
{
    const uint8_t *data = rt->program + rt->header->data_offset;
    uint32_t next = 0, held = 0, buffer = MICRO_NO_OPERAND;
    for (uint32_t i = 0; i < rt->header->n_steps; ++i) {
        const micro_step_t *s = &micro_steps(rt)[i];
        const micro_ref_t *ops = &micro_refs(rt)[s->first_ref];
        if (s->kernel != MICRO_K_STREAM_ROWS ||
            ops[MICRO_STREAM_ROWS_SOURCE].offset != (MICRO_REF_STREAM | k)) {
            continue;
        }
        const micro_stream_rows_params_t *p = (const void *)(data + s->params);
        const uint32_t at = ops[MICRO_STREAM_ROWS_BUFFER].offset;
        if ((uint32_t)p->input != k || (uint32_t)p->first < next ||
            (uint32_t)p->drop + (uint32_t)p->keep > held ||
            (buffer != MICRO_NO_OPERAND && at != buffer)) {
            rt->error_step = i;
            return MICRO_ERR_PARAMS;
        }
        next = (uint32_t)p->first + (uint32_t)p->n_read;
        held = (uint32_t)p->keep + (uint32_t)p->n_read;
        buffer = at;
    }
    return MICRO_OK;
}

micro_status_t micro_verify_steps(micro_runtime_t *rt)
{
    micro_status_t status = check_io(rt);
    for (uint32_t i = 0; status == MICRO_OK && i < rt->header->n_steps; ++i) {
        status = check_step(rt, &micro_steps(rt)[i]);
        if (status != MICRO_OK) {
            rt->error_step = i;
        }
    }
    for (uint32_t k = 0; status == MICRO_OK && k < rt->header->n_inputs; ++k) {
        if (micro_is_stream(&micro_refs(rt)[rt->header->inputs_first + k])) {
            status = check_stream(rt, k);
        }
    }
    return status;
}
