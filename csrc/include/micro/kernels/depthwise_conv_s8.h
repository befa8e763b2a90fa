/*
 * DEPTHWISE_CONV_2D, int8 NHWC activations, int8 weights [1][FH][FW][O], int32 bias,
 * O = C * depth_multiplier; output channel o reads input channel o / depth_multiplier.
 *   output[b][y][x][o] = clamp(output_zp + requant_o(bias[o] +
 *       sum_{fy,fx} filter[fy][fx][o] * in(b, y*stride_h + fy*dilation_h - pad_top,
 *                                           x*stride_w + fx*dilation_w - pad_left,
 *                                           o / depth_multiplier)))
 * where in() reads input_zp outside the image. `bias` is folded on the host:
 *   bias[o] = model_bias[o] - input_zp * sum_{fy,fx} filter[fy][fx][o],
 * so a padded tap contributes (input_zp - input_zp) * filter = 0, exactly as TFLM's
 * reference kernel (which skips it). The filter's zero point is ignored, as TFLM does.
 *
 * Filter layouts (filter_layout), with T = FH * FW taps (t = fy * FW + fx) and P = ceil(T/2):
 *   0  TFLite's: filter[t][o] at t * O + o (int8, T * O bytes);
 *   1  int16 tap pairs, the order the DSP twin reads (O a multiple of 4): for each quad
 *      q < O / 4 of output channels and each pair p < P, 4 int32 words, word j holding
 *      filter[2p][4q + j] in bits 0-15 and filter[2p + 1][4q + j] in bits 16-31 (0 when
 *      2p + 1 == T), little-endian: O / 4 * P * 16 bytes. A quad's accumulators take a
 *      pair's 8 products with 4 SMLAD.
 *   2  int16 vertical pairs of a 3x3 filter (FH = FW = 3), the order the DSP twin's column
 *      path reads: per output channel o, 6 int32 words, word 2 fx holding filter[fx][o]
 *      in bits 0-15 and filter[3 + fx][o] in bits 16-31, word 2 fx + 1 filter[3 + fx][o]
 *      and filter[6 + fx][o], little-endian: O * 24 bytes. Each word multiplies a pair of
 *      input rows with one SMLAD (two output rows share a column's words).
 *   3  the DSP twin's stride-2 records (3x3, O a multiple of 4): per quad q of output
 *      channels 57 int32 words, 14 a channel j (o = 4q + j) then depth_out - 4:
 *      layout 2's words 0-1, bias[o], bias[o] + input_zp * (filter[6][o] + filter[7][o] +
 *      filter[8][o]), layout 2's words 2-5, 2 * multiplier[o], -2^(32 + shift[o]) (wrapped
 *      to int32), output_zp, then k * OW * O for k = 1, 2, 3: O / 4 * 228 bytes, the
 *      records the stride-2 path reads in place (no per-call copy nor requantization
 *      check). The verifier accepts it only with every field equal to what the other
 *      operands give, multipliers in [2^30, 2^31), shifts in [-31, -1] and int8's clamp.
 * The compiler writes layout 1, 2 or 3 for DSP cores (where the twin says it reads them,
 * and int16 weights fit the flash budget); the reference kernel reads all four.
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;            /* N >= 1 */
    int32_t input_height;       /* H >= 1 */
    int32_t input_width;        /* W >= 1 */
    int32_t input_depth;        /* C >= 1 */
    int32_t depth_multiplier;   /* M >= 1 */
    int32_t filter_height;      /* FH >= 1 */
    int32_t filter_width;       /* FW >= 1 */
    int32_t output_height;      /* OH >= 1 */
    int32_t output_width;       /* OW >= 1; output depth is O = C * M */
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
    int32_t filter_layout;      /* 0: TFLite's, 1: int16 tap pairs, 2: vertical pairs,
                                 * 3: stride-2 records */
} micro_depthwise_conv_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_DEPTHWISE_CONV_S8_INPUT,       /* int8[N*H*W*C] */
    MICRO_DEPTHWISE_CONV_S8_FILTER,      /* filter_layout's bytes (see above) */
    MICRO_DEPTHWISE_CONV_S8_BIAS,        /* int32[O] (folded, see above) */
    MICRO_DEPTHWISE_CONV_S8_MULTIPLIER,  /* int32[O] */
    MICRO_DEPTHWISE_CONV_S8_SHIFT,       /* int32[O] (> 0: left) */
    MICRO_DEPTHWISE_CONV_S8_OUTPUT,      /* int8[N*OH*OW*O] */
    MICRO_DEPTHWISE_CONV_S8_N_OPERANDS
} micro_depthwise_conv_s8_operand_t;

micro_status_t micro_depthwise_conv_s8(const micro_depthwise_conv_s8_params_t *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, const int32_t *multiplier,
                                       const int32_t *shift, int8_t *output);

#endif
