/*
 * Structure-aware mutation of Programs for the fuzz driver (program_fuzz.c): a small
 * xorshift generator, so a mutant is a pure function of its seed, and the mutator.
 */
#ifndef MICRO_FUZZ_PROGRAM_MUTATE_H
#define MICRO_FUZZ_PROGRAM_MUTATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t s;  /* never 0 */
} fuzz_rng_t;

uint32_t fuzz_next(fuzz_rng_t *r);
/* Uniform-ish in [0, n); 0 when n is 0. */
uint32_t fuzz_below(fuzz_rng_t *r, uint32_t n);
/* 1 if the blob's header and tables fit its n bytes (the mutations read through them). */
int fuzz_plausible(const uint8_t *p, size_t n);
/* 1-4 mutations of the n-byte blob p in place; the CRC is resealed 31 times in 32 so most
 * mutants reach the checks that matter. */
void fuzz_mutate(uint8_t *p, size_t n, fuzz_rng_t *r);

#endif
