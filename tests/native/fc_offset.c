/*
 * Host test harness: FULLY_CONNECTED's DSP twin (its portable C on the host) on operands at
 * word but not 8-byte alignment, against the reference kernel, for the sanitized build
 * (-fsanitize=address,undefined: a misaligned 8-byte load is reported and fails the run).
 * The kernel API promises word alignment only (fully_connected_s8.h); a Program's arrays
 * and arena offsets are 8-aligned, so this is the direct caller's case.
 *
 *   fc_offset < CASE > OUTPUTS
 *
 * CASE (little-endian): the 9 int32 params in the struct's order, then the 7 operands'
 * byte counts (int32, in micro_fully_connected_s8_operand_t's order), then their bytes.
 * Every operand is copied to 4 bytes past an 8-aligned address of a heap block of exactly
 * its size plus 4. OUTPUTS: the twin's output bytes, then the reference's.
 * Exit status: 0 ok, 2 usage/IO error, 10 + micro_status_t when a kernel refuses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "micro/kernels/fully_connected_s8.h"
#include "micro/kernels/fully_connected_s8_dsp.h"

enum { N_PARAMS = 9, N_OPS = MICRO_FULLY_CONNECTED_S8_N_OPERANDS };

static int read_i32(int32_t *v)
{
    unsigned char b[4];
    if (fread(b, 1, 4, stdin) != 4) {
        return 0;
    }
    *v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                   (uint32_t)b[3] << 24);
    return 1;
}

int main(void)
{
    int32_t v[N_PARAMS], size[N_OPS];
    for (int i = 0; i < N_PARAMS; ++i) {
        if (!read_i32(&v[i])) {
            return 2;
        }
    }
    for (int i = 0; i < N_OPS; ++i) {
        if (!read_i32(&size[i]) || size[i] < 0) {
            return 2;
        }
    }
    const micro_fully_connected_s8_params_t p = {v[0], v[1], v[2], v[3], v[4],
                                                 v[5], v[6], v[7], v[8]};
    void *block[N_OPS];
    unsigned char *at[N_OPS];
    for (int i = 0; i < N_OPS; ++i) {
        /* malloc's blocks are 8-aligned (at least 16 on the hosts this runs on) */
        block[i] = malloc((size_t)size[i] + 4);
        if (block[i] == NULL) {
            return 2;
        }
        at[i] = (unsigned char *)block[i] + 4;
        if (fread(at[i], 1, (size_t)size[i], stdin) != (size_t)size[i]) {
            return 2;
        }
    }
    const int8_t *input = (const int8_t *)at[MICRO_FULLY_CONNECTED_S8_INPUT];
    const int8_t *filter = (const int8_t *)at[MICRO_FULLY_CONNECTED_S8_FILTER];
    const int32_t *bias = (const int32_t *)(void *)at[MICRO_FULLY_CONNECTED_S8_BIAS];
    const int32_t *mult = (const int32_t *)(void *)at[MICRO_FULLY_CONNECTED_S8_MULTIPLIER];
    const int32_t *shift = (const int32_t *)(void *)at[MICRO_FULLY_CONNECTED_S8_SHIFT];
    int16_t *scratch = size[MICRO_FULLY_CONNECTED_S8_SCRATCH] > 0
                           ? (int16_t *)(void *)at[MICRO_FULLY_CONNECTED_S8_SCRATCH]
                           : NULL;
    int8_t *output = (int8_t *)at[MICRO_FULLY_CONNECTED_S8_OUTPUT];
    const size_t out_bytes = (size_t)size[MICRO_FULLY_CONNECTED_S8_OUTPUT];
    micro_status_t st = micro_fully_connected_s8_dsp(&p, input, filter, bias, mult, shift,
                                                     scratch, output);
    if (st != MICRO_OK) {
        return 10 + (int)st;
    }
    fwrite(output, 1, out_bytes, stdout);
    memset(output, 0, out_bytes);
    st = micro_fully_connected_s8(&p, input, filter, bias, mult, shift, scratch, output);
    if (st != MICRO_OK) {
        return 10 + (int)st;
    }
    fwrite(output, 1, out_bytes, stdout);
    for (int i = 0; i < N_OPS; ++i) {
        free(block[i]);
    }
    return 0;
}
