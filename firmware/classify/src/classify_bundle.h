/*
 * What the classify firmware runs: the image model's Program, its arena, the input format
 * and the pixel table. `micro classify --board` writes the one definition, classify_bundle,
 * into the project's src/classify_bundle.c (micro/firmware/templates/).
 */
#ifndef CLASSIFY_BUNDLE_H
#define CLASSIFY_BUNDLE_H

#include <stdint.h>

#include "micro_camera.h"

typedef struct {
    const uint8_t *program; /* 8-byte aligned */
    uint32_t program_size;
    uint8_t *arena;         /* 8-byte aligned, the size the host's planner gave */
    uint32_t arena_size;
    uint8_t *pixels;        /* width x height x channels: the frame before the table (unused
                             * when the Program's input is streamed: camera rows) */
    micro_camera_format_t format;
    const uint8_t *table;   /* 256: the input byte (int8 or uint8) of each pixel value */
    const char *const *labels;
    uint32_t n_labels;      /* = the output's size in bytes (int8 or uint8 scores) */
    int32_t output_signed;  /* 1: int8 scores, 0: uint8 */
    uint32_t max_frames;    /* stop after this many frames (0: never, a real camera) */
} classify_bundle_t;

extern const classify_bundle_t classify_bundle;

#endif
