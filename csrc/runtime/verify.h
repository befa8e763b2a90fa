/*
 * Internal to csrc/runtime (not part of the public API): the Program's tables as the
 * executor and its verifier both read them, and the verifier's entry points
 * (verify_program.c: the blob; verify.c: its steps).
 */
#ifndef MICRO_RUNTIME_VERIFY_H
#define MICRO_RUNTIME_VERIFY_H

#include <stdint.h>

#include "micro/config.h"
#include "micro/micro.h"

static inline const micro_ref_t *micro_refs(const micro_runtime_t *rt)
{
    return (const micro_ref_t *)(const void *)(rt->program + rt->header->refs_offset);
}

static inline const micro_step_t *micro_steps(const micro_runtime_t *rt)
{
    return (const micro_step_t *)(const void *)(rt->program + rt->header->steps_offset);
}

/* 1 if `ref` names a streamed input (program.h). */
static inline int micro_is_stream(const micro_ref_t *ref)
{
    return (ref->offset & (MICRO_REF_CONST | MICRO_REF_STREAM)) == MICRO_REF_STREAM;
}

/* Pointer for a verified reference, `data` being the program's constant region; NULL for
 * an absent (size 0) operand; a streamed input resolves to the runtime's row source. The
 * constant test comes first: a streamed reference has the CONST bit clear. Always inlined:
 * at -Os GCC makes it a call per operand, about 10 instructions each in the executor's
 * loop (hello_world: 21 operands, 201 instructions of its invoke's 3,347). */
static MICRO_ALWAYS_INLINE void *micro_resolve_in(const micro_runtime_t *rt, const uint8_t *data,
                                     const micro_ref_t *ref)
{
    const uint32_t offset = ref->offset;
    if (ref->size == 0) {
        return NULL;
    }
    if (offset & MICRO_REF_CONST) {
        /* Constant operands are read-only; kernels take them through const pointers. */
        return (void *)(uintptr_t)(data + (offset & ~(uint32_t)MICRO_REF_CONST));
    }
    if (offset & MICRO_REF_STREAM) {
        return (void *)(uintptr_t)&rt->rows;
    }
    return rt->arena + offset;
}

static inline void *micro_resolve(const micro_runtime_t *rt, const micro_ref_t *ref)
{
    return micro_resolve_in(rt, rt->program + rt->header->data_offset, ref);
}

/* 1 if [offset, offset + count * width) lies inside [0, limit). */
static inline int micro_inside(uint32_t offset, uint32_t count, uint32_t width, uint32_t limit)
{
    const uint64_t end = (uint64_t)offset + (uint64_t)count * width;
    return offset <= limit && end <= limit;
}

/* A reference inside its region (the program's constant data or an arena of arena_size
 * bytes) and aligned for it; an absent operand or a stream passes (checked where used). */
micro_status_t micro_check_ref(const micro_program_header_t *h, const micro_ref_t *ref,
                               uint32_t arena_size);

/* The blob on its own: alignment, magic, version, size, CRC, tables inside the program,
 * an arena as large as the plan and sharing no byte with the program. */
micro_status_t micro_verify_program(const uint8_t *program, uint32_t program_size,
                                    const uint8_t *arena, uint32_t arena_size);
/* With rt holding a verified blob and its arena: inputs, outputs, variables, then every
 * step; on a step's failure rt->error_step names it. */
micro_status_t micro_verify_steps(micro_runtime_t *rt);

#endif
