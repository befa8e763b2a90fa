/*
 * Host test harness: run a program blob with the C runtime alone (no Python), so the
 * kernels and executor can be built with AddressSanitizer/UBSan and exercised by the
 * differential tests. Buffers are heap blocks of exactly the sizes given, so any access
 * outside the program or the arena is reported.
 *
 *   run_program PROGRAM ARENA_BYTES INPUTS OUTPUTS [INVOKES [RESETS]]
 *
 * INPUTS is every input's bytes concatenated in order (INVOKES sets of them, one per
 * invoke); OUTPUTS receives every output's, invoke after invoke (also after an invoke a
 * step ended early, MICRO_STOPPED, which stderr reports as "stopped K STEP").
 * Exit status: 0 ok, 2 usage/IO error, 10 + micro_status_t when the runtime refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "micro/micro.h"

static unsigned char *read_file(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(*size > 0 ? (size_t)*size : 1);
    if (data != NULL && fread(data, 1, (size_t)*size, f) != (size_t)*size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* 1 if `k` is one of the comma-separated numbers in `list`. */
static int is_listed(const char *list, unsigned long k)
{
    const char *p = list;
    while (*p != '\0') {
        char *end = NULL;
        const unsigned long v = strtoul(p, &end, 10);
        if (end == p) {
            return 0; /* not a number: the rest is ignored */
        }
        if (v == k) {
            return 1;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7) {
        fprintf(stderr, "usage: %s PROGRAM ARENA_BYTES INPUTS OUTPUTS [INVOKES [RESETS]]\n",
                argv[0]);
        return 2;
    }
    /* INVOKES: run that many times, each on the next set of inputs from INPUTS, appending
     * each invoke's outputs; RESETS: comma-separated invoke indices preceded by micro_reset. */
    const unsigned long invokes = argc > 5 ? strtoul(argv[5], NULL, 10) : 1;
    const char *resets = argc > 6 ? argv[6] : "";
    long program_size = 0, input_size = 0;
    unsigned char *program = read_file(argv[1], &program_size);
    unsigned char *inputs = read_file(argv[3], &input_size);
    const unsigned long arena_size = strtoul(argv[2], NULL, 10);
    /* Zeroed, as the host's and the firmware's arenas: outputs an invoke ended early did not
     * write read the same bytes everywhere. */
    uint8_t *arena = calloc(arena_size > 0 ? arena_size : 1, 1);
    if (program == NULL || inputs == NULL || arena == NULL) {
        fprintf(stderr, "cannot read inputs\n");
        return 2;
    }
    micro_runtime_t rt;
    micro_memory_rows_t streamed = {NULL, 0};
    micro_status_t status =
        micro_init(&rt, program, (uint32_t)program_size, arena, (uint32_t)arena_size);
    if (status != MICRO_OK) {
        fprintf(stderr, "init: %s (step %u)\n", micro_status_str(status), rt.error_step);
        return 10 + (int)status;
    }
    FILE *out = fopen(argv[4], "wb");
    if (out == NULL) {
        return 2;
    }
    /* From the second invoke on, operand pointers come from slots resolved once (as the
     * host's runtime sets them); the first resolves them per step (as the firmware): both
     * executor paths run under the sanitizers. */
    void **slots = calloc(micro_n_refs(&rt) > 0 ? micro_n_refs(&rt) : 1, sizeof(void *));
    if (slots == NULL) {
        return 2;
    }
    long used = 0;
    for (unsigned long k = 0; k < invokes; ++k) {
        if (k == 1 && micro_set_operand_slots(&rt, slots, micro_n_refs(&rt)) != MICRO_OK) {
            fprintf(stderr, "operand slots refused\n");
            return 2;
        }
        if (is_listed(resets, k) && micro_reset(&rt) != MICRO_OK) {
            fprintf(stderr, "reset failed\n");
            return 2;
        }
        for (uint32_t i = 0; i < micro_n_inputs(&rt); ++i) {
            uint32_t n = 0;
            uint8_t *dst = micro_input(&rt, i, &n);
            if (used + (long)n > input_size) {
                fprintf(stderr, "inputs file too short\n");
                return 2;
            }
            if (dst == NULL) {  /* a streamed input: invoke reads its rows from the inputs file */
                streamed.data = (const uint8_t *)inputs + used;
                streamed.size = n;
                micro_set_row_reader(&rt, micro_memory_rows, &streamed);
            } else {
                memcpy(dst, inputs + used, n);
            }
            used += n;
        }
        status = micro_invoke(&rt);
        if (status == MICRO_STOPPED) {
            fprintf(stderr, "stopped %lu %u\n", k, rt.error_step);
        } else if (status != MICRO_OK) {
            fprintf(stderr, "invoke: %s (step %u)\n", micro_status_str(status), rt.error_step);
            return 10 + (int)status;
        }
        for (uint32_t i = 0; i < micro_n_outputs(&rt); ++i) {
            uint32_t n = 0;
            const uint8_t *src = micro_output(&rt, i, &n);
            fwrite(src, 1, n, out);
        }
    }
    fclose(out);
    free(slots);
    free(program);
    free(inputs);
    free(arena);
    return 0;
}
