/*
 * Fuzzing the executor with hostile Programs: micro_init + micro_invoke on CRC-sealed
 * blobs mutated with knowledge of the format (program.h, program_mutate.c), so most mutants
 * get past the checksum and reach the checks that matter (operand kinds and offsets,
 * params, tables).
 *
 * One source, two uses:
 *   - libFuzzer target (-DMICRO_FUZZ_LIBFUZZER, clang -fsanitize=fuzzer,address,undefined):
 *     LLVMFuzzerCustomMutator applies the structure-aware mutations (program_mutate.c);
 *   - a deterministic driver (no libFuzzer), built twice, normal and sanitized:
 *       program_fuzz generate COUNT RNG_SEED SEED.bin...   one line per mutant:
 *                                                        "index status digest-of-outputs"
 *       program_fuzz dump INDEX RNG_SEED OUT SEED.bin...   write mutant INDEX (to keep it)
 *       program_fuzz run FILE...                           replay kept programs
 *     Two builds printing the same lines ran every mutant to the same bytes.
 * A mutant still running after HANG_SECONDS is a hang: the driver says which and exits 3.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "micro/micro.h"
#include "program_mutate.h"

#define MAX_ARENA (8u << 20)  /* mutants asking for more are skipped, not run */
#define HANG_SECONDS 20
#define FUZZ_LOOP_LIMIT 10000u
#define STATUS_SKIPPED (-1)

/* Init, fill the inputs with a fixed pattern, invoke; *digest is FNV-1a of the outputs. */
static int run_one(const uint8_t *data, size_t size, uint32_t *digest)
{
    *digest = 0;
    if (size > UINT32_MAX) {
        return STATUS_SKIPPED;
    }
    const uint32_t arena_size = micro_program_arena_size(data, (uint32_t)size);
    if (arena_size > MAX_ARENA) {
        return STATUS_SKIPPED;
    }
    uint8_t *program = malloc(size ? size : 1);  /* malloc: aligned for any type */
    uint8_t *arena = calloc(arena_size ? arena_size : 1, 1);  /* same bytes in both builds */
    if (program == NULL || arena == NULL) {
        abort();
    }
    memcpy(program, data, size);
    micro_runtime_t rt;
    micro_status_t status = micro_init(&rt, program, (uint32_t)size, arena, arena_size);
    micro_memory_rows_t zeros = {NULL, 0};
    if (status == MICRO_OK) {
        /* A mutant whose branch loops stops at the limit: the default 1,000,000 backward
         * branches take seconds under the sanitizers, enough to trip the hang alarm on a
         * busy machine. */
        micro_set_loop_limit(&rt, FUZZ_LOOP_LIMIT);
        for (uint32_t i = 0; i < micro_n_inputs(&rt); ++i) {
            uint32_t n = 0;
            uint8_t *in = micro_input(&rt, i, &n);
            if (in == NULL) {  /* a streamed input: its rows are read, as zeros, at invoke */
                zeros.size = n;
                micro_set_row_reader(&rt, micro_memory_rows, &zeros);
                continue;
            }
            for (uint32_t j = 0; j < n; ++j) {
                in[j] = (uint8_t)(j * 131u + 7u * i + 29u);
            }
        }
        status = micro_invoke(&rt);
        uint32_t h = 2166136261u;
        for (uint32_t i = 0; status == MICRO_OK && i < micro_n_outputs(&rt); ++i) {
            uint32_t n = 0;
            const uint8_t *out = micro_output(&rt, i, &n);
            for (uint32_t j = 0; j < n; ++j) {
                h = (h ^ out[j]) * 16777619u;
            }
        }
        *digest = h;
    }
    free(arena);
    free(program);
    return (int)status;
}

#ifdef MICRO_FUZZ_LIBFUZZER

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t digest;
    (void)run_one(data, size, &digest);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    fuzz_rng_t r = {((uint64_t)seed << 1) | 1u};
    if (fuzz_below(&r, 16) == 0 || !fuzz_plausible(data, size)) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    fuzz_mutate(data, size, &r);
    return size;
}

#else

typedef struct {
    uint8_t *data;
    size_t size;
} blob_t;

static blob_t read_file(const char *path)
{
    blob_t b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    const long n = ftell(f);
    rewind(f);
    b.size = n > 0 ? (size_t)n : 0;
    b.data = malloc(b.size ? b.size : 1);
    if (b.data == NULL || fread(b.data, 1, b.size, f) != b.size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    return b;
}

static volatile sig_atomic_t current = -1;

/* Says which mutant hung (async-signal-safe: write() only), then exits 3. */
static void on_alarm(int sig)
{
    (void)sig;
    char msg[64] = "hang: mutant ";
    size_t n = strlen(msg);
    char digits[12];
    size_t k = 0;
    for (unsigned long v = (unsigned long)current; k == 0 || v > 0; v /= 10) {
        digits[k++] = (char)('0' + v % 10);
    }
    while (k > 0) {
        msg[n++] = digits[--k];
    }
    msg[n++] = '\n';
    if (write(2, msg, n) < 0) {
        _exit(4);
    }
    _exit(3);
}

/* Mutant `index` of the campaign: seed index % n_seeds, mutated by a generator seeded with
 * (rng_seed, index), so any mutant can be regenerated alone. */
static blob_t mutant(const blob_t *seeds, int n_seeds, uint32_t index, uint32_t rng_seed)
{
    const blob_t *s = &seeds[index % (uint32_t)n_seeds];
    blob_t b = {malloc(s->size ? s->size : 1), s->size};
    if (b.data == NULL) {
        abort();
    }
    memcpy(b.data, s->data, s->size);
    fuzz_rng_t r = {(((uint64_t)rng_seed << 32) | index) * 2654435761u + 1u};
    for (int i = 0; i < 3; ++i) {
        (void)fuzz_next(&r);
    }
    fuzz_mutate(b.data, b.size, &r);
    return b;
}

static blob_t *read_seeds(int n, char **paths)
{
    blob_t *seeds = malloc(sizeof(blob_t) * (size_t)n);
    if (seeds == NULL) {
        abort();
    }
    for (int i = 0; i < n; ++i) {
        seeds[i] = read_file(paths[i]);
    }
    return seeds;
}

int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    if (argc >= 5 && strcmp(argv[1], "generate") == 0) {
        const uint32_t count = (uint32_t)strtoul(argv[2], NULL, 10);
        const uint32_t rng_seed = (uint32_t)strtoul(argv[3], NULL, 10);
        blob_t *seeds = read_seeds(argc - 4, argv + 4);
        for (uint32_t i = 0; i < count; ++i) {
            blob_t b = mutant(seeds, argc - 4, i, rng_seed);
            uint32_t digest;
            current = (sig_atomic_t)i;
            alarm(HANG_SECONDS);
            const int status = run_one(b.data, b.size, &digest);
            alarm(0);
            printf("%u %d %08x\n", i, status, digest);
            fflush(stdout);  /* after a crash, the last line names the mutant before it */
            free(b.data);
        }
        return 0;
    }
    if (argc >= 6 && strcmp(argv[1], "dump") == 0) {
        const uint32_t index = (uint32_t)strtoul(argv[2], NULL, 10);
        const uint32_t rng_seed = (uint32_t)strtoul(argv[3], NULL, 10);
        blob_t *seeds = read_seeds(argc - 5, argv + 5);
        blob_t b = mutant(seeds, argc - 5, index, rng_seed);
        FILE *f = fopen(argv[4], "wb");
        if (f == NULL || fwrite(b.data, 1, b.size, f) != b.size || fclose(f) != 0) {
            return 2;
        }
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "run") == 0) {
        for (int i = 2; i < argc; ++i) {
            blob_t b = read_file(argv[i]);
            uint32_t digest;
            alarm(HANG_SECONDS);
            const int status = run_one(b.data, b.size, &digest);
            alarm(0);
            printf("%s %d %08x\n", argv[i], status, digest);
            free(b.data);
        }
        return 0;
    }
    fprintf(stderr,
            "usage: %s generate COUNT RNG_SEED SEED...\n"
            "       %s dump INDEX RNG_SEED OUT SEED...\n"
            "       %s run FILE...\n",
            argv[0], argv[0], argv[0]);
    return 2;
}

#endif
