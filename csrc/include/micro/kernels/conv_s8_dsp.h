/*
 * CONV_2D int8 on the DSP extension's dual 16-bit multiply-accumulates (Cortex-M4/M7):
 * the twin of micro_conv_s8, with the same params, operands, scratch and output bytes
 * (see conv_s8.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_CONV_S8_DSP_H
#define MICRO_KERNELS_CONV_S8_DSP_H

#include "micro/kernels/conv_s8.h"

micro_status_t micro_conv_s8_dsp(const micro_conv_s8_params_t *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias,
                                 const int32_t *multiplier, const int32_t *shift,
                                 int16_t *scratch, int8_t *output);

/* The same as a step's run (micro_kernel_t.run): the operands read from op, in the step's
 * order; a head on filter layout 3 runs here without micro_conv_s8_dsp's frame. */
micro_status_t micro_conv_s8_dsp_step(const void *params, void *const *op);

/* The path micro_conv_s8_dsp takes for these params and operands (micro/paths.h:
 * MICRO_PATH_CONV_*, with the pointwise pass's bit on the pointwise path), 0 for the
 * reference kernel. The dispatch calls it; the host ORs it over a Program's steps. */
uint32_t micro_conv_s8_dsp_path(const micro_conv_s8_params_t *p, const int8_t *filter,
                                const int32_t *multiplier, const int32_t *shift,
                                const int16_t *scratch);
/* 1 if the twin runs p with filter layout 1 on its 4-filter passes (O / groups a multiple
 * of 4), else 0: the compiler writes layout 1 only then. */
int32_t micro_conv_s8_dsp_quads(const micro_conv_s8_params_t *p);

/* 1 if the twin runs p (filter layout 1) without the scratch on its own loop, reading the
 * window rows from the image (dilation_width 1, FW * I a multiple of 4 and at most 256),
 * else 0: with no scratch it then runs the reference kernel. The compiler keeps int16
 * filters for a convolution whose plan drops the scratch only then. */
int32_t micro_conv_s8_dsp_direct(const micro_conv_s8_params_t *p);

/* 1 if the twin runs p (filter layout 1) on its first-layer path when the requantization is
 * the common one (1-4 input channels, one group, at most 128 filters), else 0: the compiler
 * turns a one-channel DEPTHWISE_CONV_2D into a convolution for a DSP core only then. */
int32_t micro_conv_s8_dsp_first(const micro_conv_s8_params_t *p);

/* 1 if filter layout 2 (first-layer rows, conv_s8.h) describes p and the twin's row loop
 * has p's shape in asm (RGB 3x3 or grayscale 3x3 at stride 1 or 2, 10x4 of one channel at
 * stride 2, filters in quads), else 0. The twin runs layout 2 on that loop when the
 * requantization is the common one (else the reference kernel); the compiler writes it for
 * a DSP core only then. */
int32_t micro_conv_s8_dsp_first_rows(const micro_conv_s8_params_t *p);

#endif
