/*
 * Turning a stream of int8 class scores into commands: the C twin of
 * micro/speech/recognizer.py, in integers. The command with the highest score averaged
 * over the results of the last `window` time units is reported when that average reaches
 * its own threshold, at least `min_results` results are in view, and no command was
 * reported in the last `suppression` time units. Times are integers (e.g. samples since the stream began) and
 * never decrease (modulo 2^32: only differences of times are used).
 *
 * The average of label k over n results is scale * sum(q - zero_point) / n; it reaches the
 * threshold of label k when sum * threshold_den >= threshold_num[k] * n, where
 * threshold_num[k] / threshold_den = threshold_k / scale (the host computes the fractions). Ties between labels
 * go to the lower index, as numpy's argmax.
 */
#ifndef SPEECH_RECOGNIZER_H
#define SPEECH_RECOGNIZER_H

#include <stdint.h>

#define SPEECH_MAX_LABELS 8u
#define SPEECH_MAX_RESULTS 64u /* results a window may hold; the host checks the settings */

typedef struct {
    uint32_t n_labels;      /* 1..SPEECH_MAX_LABELS */
    uint32_t commands;      /* bit k set: label k may be reported (not silence or unknown) */
    int32_t zero_point;     /* of the scores, -128..127 */
    uint32_t window;        /* results at or before now - window are out of view; > 0 */
    uint32_t suppression;   /* after a report, nothing is reported for this long */
    uint32_t min_results;   /* >= 1 */
    int64_t threshold_num[SPEECH_MAX_LABELS]; /* label k's threshold / scale =     */
    int64_t threshold_den;                    /* threshold_num[k] / threshold_den; den > 0 */
} speech_recognizer_config_t;

typedef struct {
    speech_recognizer_config_t config;
    uint32_t first;  /* ring buffer of results: oldest at `first`, `count` of them */
    uint32_t count;
    uint32_t times[SPEECH_MAX_RESULTS];
    int8_t scores[SPEECH_MAX_RESULTS][SPEECH_MAX_LABELS];
    uint32_t reported; /* 1 once something was reported; then last_time is its time */
    uint32_t last_time;
} speech_recognizer_t;

typedef struct {
    uint32_t label;
    int32_t sum;    /* of (score - zero_point) over the results in view */
    uint32_t count; /* results in view: the average is scale * sum / count */
    uint32_t time;
} speech_detection_t;

/* Start with no results; 0 if the config is out of range (then update reports nothing). */
int speech_recognizer_init(speech_recognizer_t *r, const speech_recognizer_config_t *config);
void speech_recognizer_reset(speech_recognizer_t *r);
/* Add the scores (n_labels int8) of the audio ending at `time`; 1 and *detection filled
 * when a command is reported. */
int speech_recognizer_update(speech_recognizer_t *r, const int8_t *scores, uint32_t time,
                             speech_detection_t *detection);

#endif
