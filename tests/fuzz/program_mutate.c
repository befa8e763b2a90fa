/*
 * The structure-aware mutations of program_fuzz.c: hostile values in a CRC-sealed Program's
 * operand references, step fields, params structs, constant data and header (program.h),
 * two operands swapped, or flipped bits; the CRC resealed 31 times in 32.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "program_mutate.h"

uint32_t fuzz_next(fuzz_rng_t *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

uint32_t fuzz_below(fuzz_rng_t *r, uint32_t n)
{
    return n == 0 ? 0 : fuzz_next(r) % n;
}

static uint32_t get32(const uint8_t *p, size_t at)
{
    uint32_t v;
    memcpy(&v, p + at, 4);
    return v;
}

static void put32(uint8_t *p, size_t at, uint32_t v)
{
    memcpy(p + at, &v, 4);
}

static const uint32_t HOSTILE[] = {0u, 1u, 2u, 3u, 7u, 8u, 15u, 16u, 30u, 31u, 32u, 255u,
                                   256u, 65535u, 65536u, 1u << 24, 0x7FFFFFFFu, 0x80000000u,
                                   0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFE1u, 0xFFFFFF80u};
#define N_HOSTILE (sizeof(HOSTILE) / sizeof(HOSTILE[0]))

static uint32_t hostile(fuzz_rng_t *r, uint32_t current)
{
    switch (fuzz_below(r, 4)) {
    case 0: return current + 1u;
    case 1: return current - 1u;
    case 2: return fuzz_next(r);
    default: return HOSTILE[fuzz_below(r, N_HOSTILE)];
    }
}

/* Field offsets and table strides of the format (program.h), read through its structs so
 * they cannot drift. */
#define H(field) offsetof(micro_program_header_t, field)
#define S(field) offsetof(micro_step_t, field)
#define R(field) offsetof(micro_ref_t, field)
#define STEP_SIZE sizeof(micro_step_t)
#define REF_SIZE sizeof(micro_ref_t)

int fuzz_plausible(const uint8_t *p, size_t n)
{
    if (n < sizeof(micro_program_header_t)) {
        return 0;
    }
    const uint64_t steps_end =
        (uint64_t)get32(p, H(steps_offset)) + (uint64_t)STEP_SIZE * get32(p, H(n_steps));
    const uint64_t refs_end =
        (uint64_t)get32(p, H(refs_offset)) + (uint64_t)REF_SIZE * get32(p, H(n_refs));
    return steps_end <= n && refs_end <= n && get32(p, H(data_offset)) <= n;
}

static void reseal(uint8_t *p, size_t n)
{
    const uint32_t size = get32(p, H(size));
    if (size >= 16 && size <= n) {
        put32(p, H(crc32), micro_crc32(p + 16, size - 16));
    }
}

static void flip_bytes(uint8_t *p, size_t n, fuzz_rng_t *r)
{
    for (uint32_t i = 0, count = 1 + fuzz_below(r, 4); i < count && n > 0; ++i) {
        p[fuzz_below(r, (uint32_t)n)] ^= (uint8_t)(1u << fuzz_below(r, 8));
    }
}

/* One structure-aware mutation; 0 if the blob is not a plausible program. */
static int mutate_once(uint8_t *p, size_t n, fuzz_rng_t *r)
{
    if (!fuzz_plausible(p, n)) {
        return 0;
    }
    const uint32_t n_steps = get32(p, H(n_steps)), steps = get32(p, H(steps_offset));
    const uint32_t n_refs = get32(p, H(n_refs)), refs = get32(p, H(refs_offset));
    const uint32_t data = get32(p, H(data_offset));
    const size_t ref = refs + REF_SIZE * (size_t)fuzz_below(r, n_refs);
    const size_t other = refs + REF_SIZE * (size_t)fuzz_below(r, n_refs);
    const size_t step = steps + STEP_SIZE * (size_t)fuzz_below(r, n_steps);
    switch (fuzz_below(r, 10)) {
    case 0: /* an operand's region: the data bit, another operand's place, a nudge */
        if (n_refs == 0) return 0;
        switch (fuzz_below(r, 3)) {
        case 0: put32(p, ref, get32(p, ref) ^ MICRO_REF_CONST); break;
        case 1: put32(p, ref, get32(p, other)); break;
        default: put32(p, ref, hostile(r, get32(p, ref))); break;
        }
        return 1;
    case 1: /* an operand's size */
        if (n_refs == 0) return 0;
        put32(p, ref + R(size),
              fuzz_below(r, 2) ? get32(p, other + R(size)) : hostile(r, get32(p, ref + R(size))));
        return 1;
    case 2: { /* a step's field: kernel, params offset, operands, declared overlap */
        if (n_steps == 0) return 0;
        const size_t field = step + 4u * fuzz_below(r, STEP_SIZE / 4);
        if (field == step + S(kernel) && fuzz_below(r, 2)) {
            uint32_t id = fuzz_below(r, MICRO_K_COUNT);
            while (micro_kernel_get(id) == NULL) {
                id = (id + 1) % MICRO_K_COUNT;
            }
            put32(p, field, id);
        } else {
            put32(p, field, hostile(r, get32(p, field)));
        }
        return 1;
    }
    case 3:
    case 4:
    case 5: { /* a field of a step's params struct */
        if (n_steps == 0) return 0;
        const micro_kernel_t *k = micro_kernel_get(get32(p, step + S(kernel)));
        const uint64_t at = (uint64_t)data + get32(p, step + S(params));
        if (k == NULL || k->params_size < 4 || at + k->params_size > n) return 0;
        const size_t field = (size_t)at + 4u * fuzz_below(r, k->params_size / 4);
        put32(p, field, hostile(r, get32(p, field)));
        return 1;
    }
    case 6: { /* a word of constant data: multipliers, shifts, tables, bias */
        if (n < (size_t)data + 4) return 0;
        const size_t at = data + 4u * (size_t)fuzz_below(r, (uint32_t)((n - data) / 4));
        put32(p, at, hostile(r, get32(p, at)));
        return 1;
    }
    case 7: { /* a header field after the checksum */
        const size_t field = 16u + 4u * fuzz_below(r, (sizeof(micro_program_header_t) - 16) / 4);
        put32(p, field, hostile(r, get32(p, field)));
        return 1;
    }
    case 8: { /* two operands swapped */
        if (n_refs == 0) return 0;
        uint8_t tmp[REF_SIZE];
        memcpy(tmp, p + ref, REF_SIZE);
        memcpy(p + ref, p + other, REF_SIZE);
        memcpy(p + other, tmp, REF_SIZE);
        return 1;
    }
    default:
        flip_bytes(p, n, r);
        return 1;
    }
}

void fuzz_mutate(uint8_t *p, size_t n, fuzz_rng_t *r)
{
    for (uint32_t i = 0, count = 1 + fuzz_below(r, 4); i < count; ++i) {
        if (!mutate_once(p, n, r)) {
            flip_bytes(p, n, r);
        }
    }
    if (fuzz_below(r, 32) != 0) {
        reseal(p, n);
    }
}
