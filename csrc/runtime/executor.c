/*
 * The executor: verify a Program once (verify.c), then run its steps. micro_invoke only
 * resolves operand offsets to pointers and calls kernels: everything it relies on was
 * checked by micro_init.
 */
#include <stddef.h>
#include <string.h>

#include "micro/micro.h"
#include "verify.h"

/* Every variable to its value (ref `which` of its triple: 1 after init, 2 after reset). */
static void set_variables(micro_runtime_t *rt, uint32_t which)
{
    const micro_program_header_t *h = rt->header;
    for (uint32_t i = 0; i < h->n_variables; ++i) {
        const micro_ref_t *var = &micro_refs(rt)[h->variables_first + MICRO_VARIABLE_REFS * i];
        const micro_ref_t *value = var + which;
        if (value->offset == var->offset && value->size == var->size) {
            continue;  /* a value that is the variable itself: kept (a run-once flag) */
        }
        if (value->size == 0) {
            memset(rt->arena + var->offset, 0, var->size);
        } else {
            memcpy(rt->arena + var->offset, micro_resolve(rt, value), var->size);
        }
    }
}

/* The step after branch step `step` (kernels/branch.h). Here, not in branch.c: a firmware
 * links only the kernels its Program uses. */
static uint32_t branch_next(const micro_branch_params_t *p, const void *cond, uint32_t step)
{
    int taken = 1;
    if (p->when != MICRO_BRANCH_ALWAYS) {
        const int zero = *(const uint8_t *)cond == 0;
        taken = p->when == MICRO_BRANCH_IF_ZERO ? zero : !zero;
    }
    return taken ? p->target : step + 1;
}

micro_status_t micro_init(micro_runtime_t *rt, const uint8_t *program, uint32_t program_size,
                          uint8_t *arena, uint32_t arena_size)
{
    if (rt == NULL || program == NULL || (arena == NULL && arena_size != 0)) {
        return MICRO_ERR_NULL;
    }
    memset(rt, 0, sizeof(*rt));
    rt->error_step = MICRO_NO_STEP;
    micro_status_t status = micro_verify_program(program, program_size, arena, arena_size);
    if (status == MICRO_OK) {
        rt->program = program;
        rt->header = (const micro_program_header_t *)(const void *)program;
        rt->arena = arena;
        rt->arena_size = arena_size;
        status = micro_verify_steps(rt);
    }
    if (status != MICRO_OK) {
        rt->program = NULL;
        rt->header = NULL;
        return status;
    }
    rt->ready = 1;
    rt->loop_limit = MICRO_LOOP_LIMIT;
    set_variables(rt, 1);
    return MICRO_OK;
}

micro_status_t micro_reset(micro_runtime_t *rt)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    set_variables(rt, 2);
    return MICRO_OK;
}

micro_status_t micro_invoke_range(micro_runtime_t *rt, uint32_t first, uint32_t last)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    if (first > last || last > rt->header->n_steps) {
        return MICRO_ERR_INDEX;
    }
    /* The tables' addresses, read once: a step of a tiny model costs little more than
     * this loop. */
    const uint8_t *data = rt->program + rt->header->data_offset;
    const micro_step_t *steps = micro_steps(rt);
    const micro_ref_t *refs = micro_refs(rt);
    void *const *slots = rt->slots;
    uint32_t i = first, iterations = 0;
    while (i < last) {
        const micro_step_t *s = &steps[i];
        const micro_kernel_t *k = micro_kernel_get(s->kernel);
        void *resolved[MICRO_MAX_OPERANDS];
        void *const *ops = resolved;
        if (slots != NULL) {
            ops = slots + s->first_ref;
        } else {
            const micro_ref_t *ref = &refs[s->first_ref];
            for (uint32_t j = 0; j < s->n_operands; ++j) {
                resolved[j] = micro_resolve_in(rt, data, &ref[j]);
            }
        }
        if (rt->hook != NULL) {
            rt->hook(rt->hook_ctx, i, s->kernel, 0);
        }
        const micro_status_t status = k->run(data + s->params, ops);
        if (rt->hook != NULL) {
            rt->hook(rt->hook_ctx, i, s->kernel, 1);
        }
        if (status != MICRO_OK) {
            rt->error_step = i;
            return status;
        }
        if (s->kernel != MICRO_K_BRANCH) {
            ++i;
            continue;
        }
        /* A verified target is <= n_steps; one at or past `last` ends the range. */
        const uint32_t next =
            branch_next((const void *)(data + s->params), ops[MICRO_BRANCH_COND], i);
        if (next <= i && rt->loop_limit != 0 && ++iterations > rt->loop_limit) {
            rt->error_step = i;
            return MICRO_ERR_LOOP;
        }
        i = next;
    }
    return MICRO_OK;
}

micro_status_t micro_invoke(micro_runtime_t *rt)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    return micro_invoke_range(rt, 0, rt->header->n_steps);
}

micro_status_t micro_set_operand_slots(micro_runtime_t *rt, void **slots, uint32_t n_slots)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    if (slots == NULL) {
        return MICRO_ERR_NULL;
    }
    if (n_slots < rt->header->n_refs) {
        return MICRO_ERR_INDEX;
    }
    /* Only the steps' references, which micro_init verified; the others stay NULL. */
    memset(slots, 0, (size_t)rt->header->n_refs * sizeof(*slots));
    const micro_step_t *steps = micro_steps(rt);
    for (uint32_t i = 0; i < rt->header->n_steps; ++i) {
        for (uint32_t j = 0; j < steps[i].n_operands; ++j) {
            const uint32_t r = steps[i].first_ref + j;
            slots[r] = micro_resolve(rt, &micro_refs(rt)[r]);
        }
    }
    rt->slots = slots;
    return MICRO_OK;
}

uint32_t micro_n_refs(const micro_runtime_t *rt)
{
    return rt != NULL && rt->ready ? rt->header->n_refs : 0;
}

uint32_t micro_n_steps(const micro_runtime_t *rt)
{
    return rt != NULL && rt->ready ? rt->header->n_steps : 0;
}

uint32_t micro_n_inputs(const micro_runtime_t *rt)
{
    return rt != NULL && rt->ready ? rt->header->n_inputs : 0;
}

uint32_t micro_n_outputs(const micro_runtime_t *rt)
{
    return rt != NULL && rt->ready ? rt->header->n_outputs : 0;
}

uint8_t *micro_input(micro_runtime_t *rt, uint32_t i, uint32_t *size)
{
    if (rt == NULL || !rt->ready || i >= rt->header->n_inputs) {
        return NULL;
    }
    const micro_ref_t *ref = &micro_refs(rt)[rt->header->inputs_first + i];
    if (size != NULL) {
        *size = ref->size;
    }
    return micro_is_stream(ref) ? NULL : rt->arena + ref->offset;
}

uint32_t micro_input_streamed(const micro_runtime_t *rt, uint32_t i)
{
    if (rt == NULL || !rt->ready || i >= rt->header->n_inputs) {
        return 0;
    }
    return (uint32_t)micro_is_stream(&micro_refs(rt)[rt->header->inputs_first + i]);
}

micro_status_t micro_set_loop_limit(micro_runtime_t *rt, uint32_t limit)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    rt->loop_limit = limit;
    return MICRO_OK;
}

micro_status_t micro_set_row_reader(micro_runtime_t *rt, micro_row_reader_fn read, void *ctx)
{
    if (rt == NULL || !rt->ready) {
        return MICRO_ERR_STATE;
    }
    rt->rows.read = read;
    rt->rows.ctx = ctx;
    return MICRO_OK;
}

const uint8_t *micro_output(const micro_runtime_t *rt, uint32_t i, uint32_t *size)
{
    if (rt == NULL || !rt->ready || i >= rt->header->n_outputs) {
        return NULL;
    }
    const micro_ref_t *ref = &micro_refs(rt)[rt->header->outputs_first + i];
    if (size != NULL) {
        *size = ref->size;
    }
    return rt->arena + ref->offset;
}

const char *micro_status_str(micro_status_t status)
{
    switch (status) {
    case MICRO_OK: return "ok";
    case MICRO_ERR_NULL: return "a required pointer is NULL";
    case MICRO_ERR_ALIGN: return "misaligned program, arena or offset";
    case MICRO_ERR_MAGIC: return "not a micro program (bad magic)";
    case MICRO_ERR_VERSION: return "program format version not supported by this runtime";
    case MICRO_ERR_SIZE: return "program size field disagrees with the buffer";
    case MICRO_ERR_CRC: return "checksum mismatch: the program is corrupt";
    case MICRO_ERR_LAYOUT: return "a table, offset or length lies outside its region";
    case MICRO_ERR_KERNEL: return "unknown kernel, or kernel not linked into this build";
    case MICRO_ERR_OPERANDS: return "wrong operand count or an operand too small";
    case MICRO_ERR_PARAMS: return "invalid kernel parameters";
    case MICRO_ERR_ARENA: return "arena smaller than the program needs";
    case MICRO_ERR_INDEX: return "index out of range";
    case MICRO_ERR_STATE: return "runtime not initialised";
    case MICRO_ERR_ACCESS:
        return "an operand breaks its kernel's access contract (a constant outside the "
               "program, a written operand outside the arena, over a variable or another "
               "operand)";
    case MICRO_ERR_OVERLAP:
        return "a step declares an overlap its kernel's overlap rule does not allow";
    case MICRO_ERR_DIV_ZERO: return "division by zero: a divisor operand holds 0";
    case MICRO_ERR_JUMP: return "a branch step jumps past the last step of the program";
    case MICRO_ERR_LOOP:
        return "loops ran more iterations than the runtime's limit (micro_set_loop_limit)";
    case MICRO_STOPPED:
        return "a step ended the invocation early (not an error: the model waits for more "
               "input); later steps did not run";
    }
    return "unknown status";
}
