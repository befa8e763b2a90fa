/*
 * CONV_2D, int8 NHWC activations, int8 weights [O][R], int32 bias, grouped, where each
 * filter row holds the [FH][FW][I] weights zero-padded to R values, R = FH * FW * I rounded
 * up to a multiple of MICRO_CONV_S8_K_ALIGN (so dot products are whole vectors);
 * input channels C = groups * I, output channel o belongs to group o / (O / groups).
 *   output[b][y][x][o] = clamp(output_zp + requant_o(bias[o] +
 *       sum_{fy,fx,i} filter[o][fy][fx][i] * in(b, y*stride_h + fy*dilation_h - pad_top,
 *                                              x*stride_w + fx*dilation_w - pad_left,
 *                                              group(o) * I + i)))
 * where in() reads input_zp outside the image. `bias` is folded on the host:
 *   bias[o] = model_bias[o] - input_zp * sum filter[o],
 * so the product (input - input_zp) * filter costs one plain dot product, and a padded
 * tap contributes (input_zp - input_zp) * filter = 0 exactly as in TFLM's reference kernel
 * (which skips taps outside the image). The filter's zero point is ignored, as TFLM does.
 *
 * Filter layouts (filter_layout), with G = ceil(K / 4) groups of 4 values, K = FH * FW * I:
 *   0  rows: filter[o][k] at o * R + k, int8, zero for K <= k < R (O * R bytes);
 *   1  quads of int16, the DSP twin's (O / groups a multiple of 4): filters 4q .. 4q + 3
 *      take G * 32 bytes, per group j and half h (0, 1) one word per filter f holding the
 *      little-endian int16 filter[4q + f][4j + h] (low) and filter[4q + f][4j + h + 2]
 *      (high), zero past K (O * G * 8 bytes): the pairs SXTB16 makes of a patch word.
 *   2  first-layer rows of int16 (one group, no dilation, 1-4 input channels I, O a multiple
 *      of 4; micro_conv_s8_dsp_first_rows()): C copies (2 when stride_width * I is odd,
 *      else 1), each holding per quad of filters, filter row fy and word j < N, N =
 *      (FW * I + C) / 2, one word per filter f of the quad: the little-endian int16 weights
 *      of row values 2j - c (low) and 2j + 1 - c (high) in copy c (row value t = fx * I + i),
 *      zero outside 0 <= t < FW * I (O * C * FH * N * 4 bytes; internal geometry:
 *      conv_first_rows.h). The DSP twin widens input rows into its scratch and dots them
 *      with these rows; copy 1 serves windows starting at an odd value.
 *   3  pairs of int16 rows, a classifier's head only (a 1x1 convolution of a 1x1 image, one
 *      group, no padding, no clamp beyond int8's, every channel's multiplier 0 or in
 *      [2^30, 2^31) with a right shift: the check refuses it otherwise): filters 2q, 2q + 1
 *      take G * 16 bytes, per group j row 2q's words (int16 filter[2q][4j] low,
 *      filter[2q][4j + 2] high), (filter[2q][4j + 1], filter[2q][4j + 3]), then row
 *      2q + 1's; an odd last filter's 2 words a group alone; zero past K (O * G * 8 bytes).
 *   4  layout 1 followed by O floor records, int32 {bias', m, c} each (12 bytes): with them
 *      the DSP twin requantizes a pointwise layer by one SMMLAR and SSAT,
 *        output = ssat8(c + floor((acc' * m + 2^31) / 2^32)), acc' = acc - bias[o] + bias',
 *      which the load check proves equal to the requantization for every accumulator of
 *      the channel (act_min -128, act_max 127, m > 0, multiplier > 0, no left shift,
 *      |c| < MICRO_CONV_S8_FLOOR_C); other kernels read layout 1 and ignore the records.
 * The compiler writes layout 1 for a DSP core where micro_conv_s8_dsp_quads() says so
 * (layout 4 where every channel has a floor record and a loop reads them),
 * layout 2 for a first layer where micro_conv_s8_dsp_first_rows() does and the
 * requantization is the twin's fast one, and layout 3 for a head whose O is not a multiple
 * of 4 on the fast requantization.
 *
 * Scratch (micro_conv_s8_scratch_size() bytes): the im2col rows (patches widened to 16
 * bits) of the MICRO_CONV_S8_SCRATCH_ROWS output pixels being computed (layout 2: FH input
 * rows widened to 16 bits with their padding); optional: with none (NULL, size 0) the
 * kernel sums straight from the int8 input, slower, to the same bytes.
 */
#ifndef MICRO_KERNELS_CONV_S8_H
#define MICRO_KERNELS_CONV_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_CONV_S8_SCRATCH_ROWS 2
#define MICRO_CONV_S8_K_ALIGN 16
#define MICRO_CONV_S8_FLOOR_C 16777216 /* 2^24 */

typedef struct {
    int32_t batches;            /* N >= 1 */
    int32_t input_height;       /* H >= 1 */
    int32_t input_width;        /* W >= 1 */
    int32_t input_depth;        /* C = groups * filter_depth */
    int32_t filter_height;      /* FH >= 1 */
    int32_t filter_width;       /* FW >= 1 */
    int32_t filter_depth;       /* I >= 1: input channels per group */
    int32_t output_height;      /* OH >= 1 */
    int32_t output_width;       /* OW >= 1 */
    int32_t output_depth;       /* O >= 1, a multiple of groups */
    int32_t groups;             /* >= 1 */
    int32_t stride_height;      /* >= 1 */
    int32_t stride_width;       /* >= 1 */
    int32_t dilation_height;    /* >= 1 */
    int32_t dilation_width;     /* >= 1 */
    int32_t pad_top;            /* >= 0: rows of input_zp above the image */
    int32_t pad_left;           /* >= 0: columns of input_zp left of the image */
    int32_t input_zp;           /* [-128, 127] */
    int32_t output_zp;          /* [-128, 127] */
    int32_t act_min;            /* [-128, act_max] */
    int32_t act_max;            /* [act_min, 127] */
    int32_t filter_layout;      /* 0: rows, 1: quads, 2: first-layer rows, 3: head pairs,
                                   4: quads and floor records */
} micro_conv_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_CONV_S8_INPUT,       /* int8[N*H*W*C] */
    MICRO_CONV_S8_FILTER,      /* int8[O*R] (layout 0), int16[O*G*4] (1) or see layout 2 */
    MICRO_CONV_S8_BIAS,        /* int32[O] (folded, see above) */
    MICRO_CONV_S8_MULTIPLIER,  /* int32[O] */
    MICRO_CONV_S8_SHIFT,       /* int32[O] (> 0: left) */
    MICRO_CONV_S8_SCRATCH,     /* micro_conv_s8_scratch_size(p) bytes, or absent (see above) */
    MICRO_CONV_S8_OUTPUT,      /* int8[N*OH*OW*O] */
    MICRO_CONV_S8_N_OPERANDS
} micro_conv_s8_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_conv_s8_scratch_size(const micro_conv_s8_params_t *p);

micro_status_t micro_conv_s8(const micro_conv_s8_params_t *p, const int8_t *input,
                             const int8_t *filter, const int32_t *bias,
                             const int32_t *multiplier, const int32_t *shift, int16_t *scratch,
                             int8_t *output);

#endif
