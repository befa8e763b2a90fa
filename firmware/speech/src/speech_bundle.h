/*
 * What the speech firmware runs: the two Programs, their arenas, the pipeline's sizes, the
 * recognizer's settings, the labels and the bundled clips. `micro speech --board` writes the
 * one definition, `speech_bundle`, into the project's src/speech_bundle.c: everything that
 * depends on the models lives there, so this library never needs rebuilding for a new one.
 */
#ifndef SPEECH_BUNDLE_H
#define SPEECH_BUNDLE_H

#include <stdint.h>

#include "speech_recognizer.h"

/* The micro_port_mark ids that bracket each 20 ms step, so the emulator's instruction
 * counter splits it into features, model and recognizer (the host reads these through
 * cffi to cut the counts). */
#define SPEECH_MARK_FEATURES 1u   /* before the features */
#define SPEECH_MARK_MODEL 2u      /* after the features, before the model */
#define SPEECH_MARK_RECOGNIZER 3u /* after the model, before the recognizer */
#define SPEECH_MARK_DONE 4u       /* after the recognizer */
#define SPEECH_MARKS_PER_STEP 4u

typedef struct {
    const char *name;
    const int16_t *samples; /* 16 kHz mono */
    uint32_t n_samples;
} speech_clip_t;

typedef struct {
    const uint8_t *features_program; /* the preprocessor: int16[window_samples] -> int8[channels] */
    uint32_t features_program_size;
    const uint8_t *model_program;    /* the keyword model: int8[rows * channels] -> int8[n_labels] */
    uint32_t model_program_size;
    uint8_t *features_arena;         /* 8-byte aligned, the size the host's planner gave */
    uint32_t features_arena_size;
    uint8_t *model_arena;
    uint32_t model_arena_size;
    int16_t *audio;                  /* window_samples: the audio of the next row */
    int8_t *window;                  /* rows * channels: the rows the model sees */
    uint32_t sample_rate;
    uint32_t window_samples;         /* audio in one row of features (30 ms) */
    uint32_t stride_samples;         /* audio between rows: one step (20 ms); <= window */
    uint32_t channels;               /* features in a row */
    uint32_t rows;                   /* rows the model sees */
    uint32_t every;                  /* the model runs every this many steps, >= 1 */
    uint32_t tail_samples;           /* silence after each clip or file */
    uint32_t trace;                  /* 1: print every feature row and score */
    int64_t scale_num;               /* the scores' scale = scale_num / scale_den */
    int64_t scale_den;
    speech_recognizer_config_t recognizer;
    const char *const *labels;       /* recognizer.n_labels names */
    const speech_clip_t *clips;
    uint32_t n_clips;
} speech_bundle_t;

extern const speech_bundle_t speech_bundle;

#endif
