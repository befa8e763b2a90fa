/* The recognizer (speech_recognizer.h): a ring of the results in view, summed per label on
 * each update (at most SPEECH_MAX_RESULTS x SPEECH_MAX_LABELS additions). */
#include "speech_recognizer.h"

#include <string.h>

int speech_recognizer_init(speech_recognizer_t *r, const speech_recognizer_config_t *config)
{
    memset(r, 0, sizeof *r);
    const speech_recognizer_config_t *c = config;
    if (c->n_labels == 0 || c->n_labels > SPEECH_MAX_LABELS || c->window == 0 ||
        c->min_results == 0 || c->threshold_den <= 0 || c->zero_point < -128 ||
        c->zero_point > 127) {
        return 0;
    }
    r->config = *c;
    return 1;
}

void speech_recognizer_reset(speech_recognizer_t *r)
{
    r->first = 0;
    r->count = 0;
    r->reported = 0;
    r->last_time = 0;
}

int speech_recognizer_update(speech_recognizer_t *r, const int8_t *scores, uint32_t time,
                             speech_detection_t *detection)
{
    const speech_recognizer_config_t *c = &r->config;
    if (c->n_labels == 0) {
        return 0;
    }
    if (r->count == SPEECH_MAX_RESULTS) { /* a window the host would refuse: keep the newest */
        r->first = (r->first + 1) % SPEECH_MAX_RESULTS;
        --r->count;
    }
    const uint32_t slot = (r->first + r->count) % SPEECH_MAX_RESULTS;
    r->times[slot] = time;
    memcpy(r->scores[slot], scores, c->n_labels);
    ++r->count;
    /* Drop what is out of view: results at or before time - window (differences of
     * unsigned times, so an endless stream may wrap around 2^32). */
    while (time - r->times[r->first] >= c->window) {
        r->first = (r->first + 1) % SPEECH_MAX_RESULTS;
        --r->count;
    }
    if (r->count < c->min_results) {
        return 0;
    }
    int32_t sums[SPEECH_MAX_LABELS] = {0};
    for (uint32_t i = 0; i < r->count; ++i) {
        const int8_t *s = r->scores[(r->first + i) % SPEECH_MAX_RESULTS];
        for (uint32_t k = 0; k < c->n_labels; ++k) {
            sums[k] += (int32_t)s[k] - c->zero_point;
        }
    }
    uint32_t best = SPEECH_MAX_LABELS;
    for (uint32_t k = 0; k < c->n_labels; ++k) {
        if ((c->commands >> k & 1u) && (best == SPEECH_MAX_LABELS || sums[k] > sums[best])) {
            best = k;
        }
    }
    if (best == SPEECH_MAX_LABELS ||
        (int64_t)sums[best] * c->threshold_den < c->threshold_num[best] * (int64_t)r->count) {
        return 0;
    }
    if (r->reported && time - r->last_time < c->suppression) {
        return 0;
    }
    r->reported = 1;
    r->last_time = time;
    detection->label = best;
    detection->sum = sums[best];
    detection->count = r->count;
    detection->time = time;
    return 1;
}
