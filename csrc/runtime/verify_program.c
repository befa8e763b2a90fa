/*
 * The Program verifier behind micro_init, first half: the blob on its own (verify.c
 * checks its steps).
 *
 * It checks, in order: alignment, magic, version, size, CRC, that every table lies inside
 * the program, that the arena is as large as the plan and shares no byte with the
 * program; and, for verify.c, that an operand reference lies inside its region, aligned.
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

micro_status_t micro_check_ref(const micro_program_header_t *h, const micro_ref_t *ref,
                               uint32_t arena_size)
{
    if (ref->size == 0 || micro_is_stream(ref)) {  /* a stream: checked where it is used */
        return MICRO_OK;
    }
    if (ref->offset & MICRO_REF_CONST) {
        const uint32_t offset = ref->offset & ~(uint32_t)MICRO_REF_CONST;
        if (!micro_inside(offset, ref->size, 1, h->size - h->data_offset)) {
            return MICRO_ERR_LAYOUT;
        }
        return (offset % 4 == 0) ? MICRO_OK : MICRO_ERR_ALIGN;
    }
    if (!micro_inside(ref->offset, ref->size, 1, arena_size)) {
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
    if (!micro_inside(h->steps_offset, h->n_steps, sizeof(micro_step_t), h->size) ||
        !micro_inside(h->refs_offset, h->n_refs, sizeof(micro_ref_t), h->size) ||
        h->data_offset < sizeof(*h) || h->data_offset > h->size) {
        return MICRO_ERR_LAYOUT;
    }
    if (!micro_inside(h->inputs_first, h->n_inputs, 1, h->n_refs) ||
        !micro_inside(h->outputs_first, h->n_outputs, 1, h->n_refs) ||
        !micro_inside(h->variables_first, h->n_variables, MICRO_VARIABLE_REFS, h->n_refs)) {
        return MICRO_ERR_LAYOUT;
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

uint32_t micro_program_arena_size(const uint8_t *program, uint32_t program_size)
{
    if (program == NULL || program_size < sizeof(micro_program_header_t) ||
        (uintptr_t)program % 4) {
        return 0;
    }
    const micro_program_header_t *h = (const micro_program_header_t *)(const void *)program;
    return check_header(h, program_size) == MICRO_OK ? h->arena_size : 0;
}
