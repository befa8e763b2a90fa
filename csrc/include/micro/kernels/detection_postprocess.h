/*
 * TFLite_Detection_PostProcess (float32), as TFLM's kernel: the SSD head's decoding and
 * non-maximum suppression.
 *
 * 1. Decode every box against its anchor (y, x, h, w), in double as TFLM:
 *      yc = y / y_scale * ah + ay          half_h = 0.5 * exp(h / h_scale) * ah
 *    each rounded to float; corners ymin = yc - half_h, ymax = yc + half_h (float), same
 *    for x. exp is micro_exp_f64 (csrc/kernels/exp_f64.h, within about 1 ulp of double);
 *    the float results are TFLM's unless a double lands within an ulp of a float rounding
 *    boundary. A box with ymin >= ymax or xmin >= xmax stops the kernel with
 *    MICRO_ERR_PARAMS, as TFLM's Eval fails.
 * 2. Per class (regular NMS) or on each anchor's best class score (fast NMS): keep the
 *    scores >= score_threshold, order them by decreasing score (stable: ties keep anchor
 *    order), then greedily select boxes, dropping each later box whose IoU with a
 *    selected one is > iou_threshold. Regular NMS merges the classes' selections and
 *    keeps the max_detections best (ties: earlier class first).
 * 3. Outputs: boxes (ymin, xmin, ymax, xmax), class (without the background offset) and
 *    score of each detection, then the count as a float. Slots past the count are zeros
 *    (TFLM's fast NMS leaves them unwritten).
 */
#ifndef MICRO_KERNELS_DETECTION_POSTPROCESS_H
#define MICRO_KERNELS_DETECTION_POSTPROCESS_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t num_boxes;            /* >= 1: anchors N */
    int32_t encoding_stride;      /* >= 4: floats per box encoding (y, x, h, w first) */
    int32_t num_classes;          /* >= 1: C, without background */
    int32_t label_offset;         /* 0 or 1: a background score precedes each anchor's C */
    int32_t max_detections;       /* >= 1: most detections reported */
    int32_t out_slots;            /* >= max_detections: slots of the outputs (zeroed) */
    int32_t detections_per_class; /* >= 1: regular NMS's selections per class */
    int32_t use_regular_nms;      /* 0 (fast) or 1 (regular) */
    float score_threshold;        /* any */
    float iou_threshold;          /* in (0, 1] */
    float y_scale;                /* the box encodings' scales, as TFLM reads them */
    float x_scale;
    float h_scale;
    float w_scale;
} micro_detection_postprocess_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_DETECTION_POSTPROCESS_BOXES,
    MICRO_DETECTION_POSTPROCESS_SCORES,
    MICRO_DETECTION_POSTPROCESS_ANCHORS,
    MICRO_DETECTION_POSTPROCESS_SCRATCH,
    MICRO_DETECTION_POSTPROCESS_OUT_BOXES,
    MICRO_DETECTION_POSTPROCESS_OUT_CLASSES,
    MICRO_DETECTION_POSTPROCESS_OUT_SCORES,
    MICRO_DETECTION_POSTPROCESS_OUT_COUNT,
    MICRO_DETECTION_POSTPROCESS_N_OPERANDS
} micro_detection_postprocess_operand_t;

/* Bytes of scratch: decoded boxes, per-anchor scores and indices, the candidates. */
int64_t micro_detection_postprocess_scratch_size(const micro_detection_postprocess_params_t *p);

/* Operands: boxes f32[N][encoding_stride]; scores f32[N][label_offset + C];
 * anchors f32[N][4] (y, x, h, w); scratch (micro_detection_postprocess_scratch_size bytes,
 * 4-aligned); out_boxes f32[out_slots][4]; out_classes, out_scores f32[out_slots];
 * out_count f32[1]. */
micro_status_t micro_detection_postprocess(const micro_detection_postprocess_params_t *p,
                                           const float *boxes, const float *scores,
                                           const float *anchors, void *scratch,
                                           float *out_boxes, float *out_classes,
                                           float *out_scores, float *out_count);

#endif
