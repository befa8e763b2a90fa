/*
 * The Program verifier behind micro_init.
 *
 * It checks, in order: alignment, magic, version, size, CRC, that every table lies inside
 * the program, and for every step that its kernel is linked, its params struct and
 * operands lie inside their regions with the right count and alignment, that they keep
 * the kernel's access contract (no written operand over another operand but the pair the
 * step declares), that the kernel's own check accepts them, and that the declared pair
 * sits at a distance the kernel's overlap rule allows, and that a branch lands on a step of
 * the program (or its end). After that, micro_invoke only
 * resolves operand offsets to pointers and calls kernels (executor.c).
 */
#include <stddef.h>

#include "micro/micro.h"
#include "verify.h"

uint32_t micro_crc32(const uint8_t *data, uint32_t size)
{
    static const uint32_t nibble[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < size; ++i) {
        crc ^= data[i];
        crc = (crc >> 4) ^ nibble[crc & 15u];
        crc = (crc >> 4) ^ nibble[crc & 15u];
    }
    return crc ^ 0xFFFFFFFFu;
}

/* 1 if [offset, offset + count * width) lies inside [0, limit). */
static int inside(uint32_t offset, uint32_t count, uint32_t width, uint32_t limit)
{
    const uint64_t end = (uint64_t)offset + (uint64_t)count * width;
    return offset <= limit && end <= limit;
}

static micro_status_t check_ref(const micro_program_header_t *h, const micro_ref_t *ref,
                                uint32_t arena_size)
{
    if (ref->size == 0 || micro_is_stream(ref)) {  /* a stream: checked where it is used */
        return MICRO_OK;
    }
    if (ref->offset & MICRO_REF_CONST) {
        const uint32_t offset = ref->offset & ~(uint32_t)MICRO_REF_CONST;
        if (!inside(offset, ref->size, 1, h->size - h->data_offset)) {
            return MICRO_ERR_LAYOUT;
        }
        return (offset % 4 == 0) ? MICRO_OK : MICRO_ERR_ALIGN;
    }
    if (!inside(ref->offset, ref->size, 1, arena_size)) {
        return MICRO_ERR_LAYOUT;
    }
    return (ref->offset % MICRO_ARENA_ALIGN == 0) ? MICRO_OK : MICRO_ERR_ALIGN;
}

static micro_status_t check_header(const micro_program_header_t *h, uint32_t program_size)
{
    if (h->magic != MICRO_PROGRAM_MAGIC) {
        return MICRO_ERR_MAGIC;
    }
    if (h->version != MICRO_PROGRAM_VERSION) {
        return MICRO_ERR_VERSION;
    }
    if (h->size < sizeof(*h) || h->size > program_size) {
        return MICRO_ERR_SIZE;
    }
    return MICRO_OK;
}

static micro_status_t check_tables(const micro_program_header_t *h)
{
    if (h->steps_offset % 4 || h->refs_offset % 4 || h->data_offset % MICRO_DATA_ALIGN) {
        return MICRO_ERR_ALIGN;
    }
    if (!inside(h->steps_offset, h->n_steps, sizeof(micro_step_t), h->size) ||
        !inside(h->refs_offset, h->n_refs, sizeof(micro_ref_t), h->size) ||
        h->data_offset < sizeof(*h) || h->data_offset > h->size) {
        return MICRO_ERR_LAYOUT;
    }
    if (!inside(h->inputs_first, h->n_inputs, 1, h->n_refs) ||
        !inside(h->outputs_first, h->n_outputs, 1, h->n_refs) ||
        !inside(h->variables_first, h->n_variables, MICRO_VARIABLE_REFS, h->n_refs)) {
        return MICRO_ERR_LAYOUT;
    }
    return MICRO_OK;
}

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
        !inside(s->first_ref, s->n_operands, 1, h->n_refs)) {
        return MICRO_ERR_OPERANDS;
    }
    if (s->params % 4) {
        return MICRO_ERR_ALIGN;
    }
    if (!inside(s->params, k->params_size, 1, h->size - h->data_offset)) {
        return MICRO_ERR_LAYOUT;
    }
    void *ops[MICRO_MAX_OPERANDS];
    uint32_t sizes[MICRO_MAX_OPERANDS];
    for (uint32_t i = 0; i < s->n_operands; ++i) {
        const micro_ref_t *ref = &micro_refs(rt)[s->first_ref + i];
        const micro_status_t status = check_ref(h, ref, h->arena_size);
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
        const micro_status_t status = check_ref(h, ref, h->arena_size);
        if (status != MICRO_OK) {
            return status;
        }
    }
    for (uint32_t i = 0; i < h->n_variables; ++i) {
        const micro_ref_t *var = &micro_refs(rt)[h->variables_first + MICRO_VARIABLE_REFS * i];
        micro_status_t status = check_ref(h, var, h->arena_size);
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
            status = check_ref(h, value, h->arena_size);
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

micro_status_t micro_verify_program(const uint8_t *program, uint32_t program_size,
                                    const uint8_t *arena, uint32_t arena_size)
{
    if ((uintptr_t)program % MICRO_DATA_ALIGN || (uintptr_t)arena % MICRO_ARENA_ALIGN) {
        return MICRO_ERR_ALIGN;
    }
    if (program_size < sizeof(micro_program_header_t)) {
        return MICRO_ERR_SIZE;
    }
    const micro_program_header_t *h = (const micro_program_header_t *)(const void *)program;
    micro_status_t status = check_header(h, program_size);
    if (status != MICRO_OK) {
        return status;
    }
    if (micro_crc32(program + 16, h->size - 16) != h->crc32) {
        return MICRO_ERR_CRC;
    }
    status = check_tables(h);
    if (status != MICRO_OK) {
        return status;
    }
    if (h->arena_size > arena_size) {
        return MICRO_ERR_ARENA;
    }
    /* Kernels write the arena only: it must not share a byte with the program they read. */
    if (arena_size != 0 && (uintptr_t)arena < (uintptr_t)program + h->size &&
        (uintptr_t)program < (uintptr_t)arena + arena_size) {
        return MICRO_ERR_LAYOUT;
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

uint32_t micro_program_arena_size(const uint8_t *program, uint32_t program_size)
{
    if (program == NULL || program_size < sizeof(micro_program_header_t) ||
        (uintptr_t)program % 4) {
        return 0;
    }
    const micro_program_header_t *h = (const micro_program_header_t *)(const void *)program;
    return check_header(h, program_size) == MICRO_OK ? h->arena_size : 0;
}

