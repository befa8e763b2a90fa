/*
 * ADD and SUB, int8, with broadcasting (TFLM's quantized add/sub, bit for bit):
 *   output = clamp(output_zp + requant(table1[input1] + table2[input2],
 *                                      output_multiplier, output_shift))
 * where the host fills each 256-entry table with that input's rescaled term, exactly as
 * TFLM computes it per element:
 *   table1[x] = requant((x - input1_zp) * 2^20, input1_multiplier, input1_shift)
 *   table2[y] = +/- requant((y - input2_zp) * 2^20, input2_multiplier, input2_shift)
 * (negated for SUB), with `requant` micro's one requantization routine. Two of TFLM's three
 * requantizations per element become table loads.
 *
 * For a DSP core the compiler may add the sums tables, which take the third one off too:
 *   output = clamp(ssat8((sums[x] + sums[256 + y]) >> MICRO_ADD_SUMS_SHIFT), act_min, act_max)
 * gives the bytes above for every pair of input bytes (x, y). The compiler solves for them
 * (micro/ops/_add_sums.py) and checks all 65,536 pairs; only the DSP twin reads them.
 * Where it finds one, the compiler writes the linear form instead (linear = 1, no sums
 * tables): with x, y the input values (-128..127),
 *   output = act_min + clamp((floor(linear_a * x / 256) + floor(linear_b * y / 256)
 *                             + linear_c) >> MICRO_ADD_SUMS_SHIFT, 0, act_max - act_min)
 * gives the same bytes (also checked on all 65,536 pairs), each floor one SMLAW on the DSP.
 */
#ifndef MICRO_KERNELS_ADD_S8_H
#define MICRO_KERNELS_ADD_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

#define MICRO_ADD_TERM_LIMIT 0x40000000 /* |table entry| <= 2^30, so a sum fits int32 */
#define MICRO_ADD_SUMS_SHIFT 16         /* fraction bits of the sums tables */

typedef struct {
    micro_broadcast_t broadcast;            /* input1, input2 -> output (broadcast.h) */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t output_multiplier;              /* [0, 2^31) */
    int32_t output_shift;                   /* [-31, 0] */
    int32_t act_min;                        /* [-128, act_max] */
    int32_t act_max;                        /* [act_min, 127] */
    /* The linear form (above), read by the DSP twin only: 0 (none) or 1 */
    int32_t linear;
    /* With linear = 1: any int32 values with (|a| + |b|) / 2 + |c| < 2^31 - 1, so no
     * partial sum leaves int32 */
    int32_t linear_a, linear_b, linear_c;
} micro_add_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_ADD_S8_INPUT1,  /* int8, as large as its strides reach */
    MICRO_ADD_S8_INPUT2,  /* int8, likewise */
    /* int32[256], indexed by input1's byte (0..127, then -128..-1), entries within
     * +/-MICRO_ADD_TERM_LIMIT */
    MICRO_ADD_S8_TABLE1,
    MICRO_ADD_S8_TABLE2,  /* int32[256], likewise for input2 */
    /* optional (absent: size 0), int32[512]: the sums tables, input1's then input2's,
     * indexed by the byte as the tables, entries within +/-MICRO_ADD_TERM_LIMIT */
    MICRO_ADD_S8_SUMS,
    MICRO_ADD_S8_OUTPUT,  /* int8[product of dims] */
    MICRO_ADD_S8_N_OPERANDS
} micro_add_s8_operand_t;

micro_status_t micro_add_s8(const micro_add_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, const int32_t *table1,
                            const int32_t *table2, const int32_t *sums, int8_t *output);

#endif
