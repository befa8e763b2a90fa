/*
 * What the gesture firmware runs: the model's Program and arena, the window, the labels and
 * the recognizer's settings. `micro gesture --board` writes the one definition,
 * gesture_bundle, into the project's src/gesture_bundle.c (micro/firmware/templates/).
 */
#ifndef GESTURE_BUNDLE_H
#define GESTURE_BUNDLE_H

#include <stdint.h>

typedef struct {
    const uint8_t *program; /* 8-byte aligned; int8 [window, 3] at 1/32 g -> int8 scores */
    uint32_t program_size;
    uint8_t *arena;         /* 8-byte aligned, the size the host's planner gave */
    uint32_t arena_size;
    int8_t *window;         /* window x 3: the samples the model sees */
    uint32_t window_samples;
    uint32_t hop;           /* samples between runs of the model, >= 1 */
    uint32_t suppress;      /* samples after a detection with none */
    uint32_t shift;         /* int8 input = (counts + 2^(shift-1)) >> shift, clamped */
    const char *const *labels;
    uint32_t n_labels;
    uint32_t negative;      /* the label that is no gesture (n_labels: none) */
    int32_t min_score;      /* the int8 score that reaches the threshold */
    int32_t zero_point;     /* of the scores */
    int64_t scale_num;      /* the scores' scale = scale_num / scale_den */
    int64_t scale_den;
    uint32_t trace;         /* 1: print every window's scores */
} gesture_bundle_t;

extern const gesture_bundle_t gesture_bundle;

#endif
