/*
 * micro's speech firmware. Every 20 ms step: the last 30 ms of audio -> features (the
 * preprocessor's Program) -> a sliding window of `rows` feature rows -> the keyword model
 * (its Program; every `every` steps once the window is full) -> the recognizer, printing
 * what it heard. Audio comes from the bundled clips, then from the board's audio input
 * (micro_audio.h): host .wav files on an emulator, the microphone on a board that has one.
 * A clip or file is followed by `tail_samples` of silence, as on the host (`micro speech`),
 * so a word at its very end is still heard. The models and settings: speech_bundle.h.
 *
 * Output, one fact a line:
 *   speech board=<id> features_arena=<B> model_arena=<B> rows=<n> channels=<n> every=<n>
 *   stream name=<name>
 *   features frame=<k> hex=<row>                                  (trace)
 *   scores frame=<k> hex=<int8 scores>                             (trace)
 *   <name>: heard 'yes' (0.93) at 1.24 s
 *   <name>: heard nothing (mostly 'silence', 0.66 on average)      (nothing reported)
 *   end name=<name> frames=<n>
 *   done status=<code>
 *
 * Each step is bracketed by four micro_port_mark calls (before the features, after them,
 * after the model, after the recognizer), so the emulator's instruction counter splits it
 * into its parts; reading audio and printing stay outside.
 */
#include <string.h>

#include "micro/micro.h"
#include "micro_audio.h"
#include "micro_print.h"
#include "speech_bundle.h"
#include "speech_recognizer.h"

typedef struct {
    micro_runtime_t features;
    micro_runtime_t model;
    speech_recognizer_t recognizer;
    int64_t totals[SPEECH_MAX_LABELS]; /* of (score - zero point), over the stream */
    uint32_t scored;                   /* model runs in the stream */
    uint32_t heard;                    /* reports in the stream */
} speech_t;

static speech_t speech;

/* Where samples come from: a bundled clip, or the open audio input stream. Either is
 * followed by tail_samples zeros. */
typedef struct {
    const speech_clip_t *clip; /* NULL: micro_audio_read */
    uint32_t position;
    uint32_t tail;
    int ended;
} source_t;

/* -- console ------------------------------------------------------------------------- */

/* `hundredths` as "d.dd". */
static void put_centi(uint32_t hundredths)
{
    char text[3] = {'.', (char)('0' + hundredths / 10u % 10u), (char)('0' + hundredths % 10u)};
    micro_put_u32(hundredths / 100u);
    micro_port_write(text, 3);
}

/* round(num / den) for num >= 0, den > 0. */
static uint32_t round_div(int64_t num, int64_t den)
{
    return num <= 0 ? 0u : (uint32_t)((2 * num + den) / (2 * den));
}

/* The average of `sum` (score - zero point) over `count` results, in hundredths. */
static uint32_t average_centi(int64_t sum, uint32_t count)
{
    return round_div(100 * speech_bundle.scale_num * sum, speech_bundle.scale_den * count);
}

/* -- audio --------------------------------------------------------------------------- */

/* Fill `samples` with `count` samples; fewer only when the source and its tail are done. */
static uint32_t source_read(source_t *s, int16_t *samples, uint32_t count)
{
    uint32_t n = 0;
    if (!s->ended) {
        if (s->clip != NULL) {
            const uint32_t left = s->clip->n_samples - s->position;
            n = count < left ? count : left;
            memcpy(samples, s->clip->samples + s->position, n * sizeof *samples);
            s->position += n;
        } else {
            n = micro_audio_read(samples, count);
        }
        s->ended = n < count;
    }
    for (; n < count && s->tail > 0; ++n, --s->tail) {
        samples[n] = 0;
    }
    return n;
}

/* -- the pipeline -------------------------------------------------------------------- */

static micro_status_t step(uint32_t frame, const char *name)
{
    const speech_bundle_t *b = &speech_bundle;
    speech_t *sp = &speech;
    const uint32_t features = b->rows * b->channels;
    uint32_t size = 0;

    micro_port_mark(SPEECH_MARK_FEATURES);
    memcpy(micro_input(&sp->features, 0, &size), b->audio, b->window_samples * sizeof *b->audio);
    micro_status_t status = micro_invoke(&sp->features);
    const int8_t *row = (const int8_t *)micro_output(&sp->features, 0, &size);
    memmove(b->window, b->window + b->channels, features - b->channels);
    memcpy(b->window + features - b->channels, row, b->channels);
    micro_port_mark(SPEECH_MARK_MODEL);

    const int classify = status == MICRO_OK && frame + 1 >= b->rows && frame % b->every == 0;
    const int8_t *scores = NULL;
    if (classify) {
        memcpy(micro_input(&sp->model, 0, &size), b->window, features);
        status = micro_invoke(&sp->model);
        scores = (const int8_t *)micro_output(&sp->model, 0, &size);
    }
    micro_port_mark(SPEECH_MARK_RECOGNIZER);

    /* The window just processed ends at this sample. */
    const uint32_t time = frame * b->stride_samples + b->window_samples;
    speech_detection_t detection;
    const int heard = classify && status == MICRO_OK &&
                      speech_recognizer_update(&sp->recognizer, scores, time, &detection);
    micro_port_mark(SPEECH_MARK_DONE);

    if (status != MICRO_OK) {
        return status;
    }
    if (b->trace) {
        micro_put_field("features frame=", frame);
        micro_put(" hex=");
        micro_put_hex(row, b->channels);
        micro_put("\n");
    }
    if (classify) {
        for (uint32_t k = 0; k < b->recognizer.n_labels; ++k) {
            sp->totals[k] += (int64_t)scores[k] - b->recognizer.zero_point;
        }
        ++sp->scored;
        if (b->trace) {
            micro_put_field("scores frame=", frame);
            micro_put(" hex=");
            micro_put_hex(scores, b->recognizer.n_labels);
            micro_put("\n");
        }
    }
    if (heard) {
        ++sp->heard;
        micro_put(name);
        micro_put(": heard '");
        micro_put(b->labels[detection.label]);
        micro_put("' (");
        put_centi(average_centi(detection.sum, detection.count));
        micro_put(") at ");
        put_centi(round_div((int64_t)detection.time * 100, b->sample_rate));
        micro_put(" s\n");
    }
    return MICRO_OK;
}

static micro_status_t run_stream(const char *name, source_t *source)
{
    const speech_bundle_t *b = &speech_bundle;
    speech_t *sp = &speech;
    const uint32_t keep = b->window_samples - b->stride_samples;
    micro_put("stream name=");
    micro_put(name);
    micro_put("\n");
    micro_status_t status = micro_reset(&sp->features); /* forget the noise estimates */
    memset(b->window, 0, b->rows * b->channels);
    memset(sp->totals, 0, sizeof sp->totals);
    sp->scored = 0;
    sp->heard = 0;
    speech_recognizer_reset(&sp->recognizer);

    uint32_t frame = 0;
    if (source_read(source, b->audio, b->window_samples) == b->window_samples) {
        while (status == MICRO_OK) {
            status = step(frame, name);
            ++frame;
            memmove(b->audio, b->audio + b->stride_samples, keep * sizeof *b->audio);
            if (source_read(source, b->audio + keep, b->stride_samples) < b->stride_samples) {
                break;
            }
        }
    }
    if (status == MICRO_OK && sp->heard == 0) {
        micro_put(name);
        if (sp->scored == 0) {
            micro_put(": heard nothing (too short for the model's window)\n");
        } else {
            uint32_t best = 0;
            for (uint32_t k = 1; k < b->recognizer.n_labels; ++k) {
                best = sp->totals[k] > sp->totals[best] ? k : best;
            }
            micro_put(": heard nothing (mostly '");
            micro_put(b->labels[best]);
            micro_put("', ");
            put_centi(average_centi(sp->totals[best], sp->scored));
            micro_put(" on average)\n");
        }
    }
    micro_put("end name=");
    micro_put(name);
    micro_put_field(" frames=", frame);
    micro_put("\n");
    return status;
}

/* Load and verify both Programs and check their tensors are the sizes the bundle says. */
static micro_status_t init(void)
{
    const speech_bundle_t *b = &speech_bundle;
    speech_t *sp = &speech;
    micro_status_t status = micro_init(&sp->features, b->features_program, b->features_program_size,
                                       b->features_arena, b->features_arena_size);
    if (status == MICRO_OK) {
        status = micro_init(&sp->model, b->model_program, b->model_program_size, b->model_arena,
                            b->model_arena_size);
    }
    if (status != MICRO_OK) {
        return status;
    }
    uint32_t audio = 0, row = 0, input = 0, scores = 0;
    if (micro_input(&sp->features, 0, &audio) == NULL ||
        micro_output(&sp->features, 0, &row) == NULL ||
        micro_input(&sp->model, 0, &input) == NULL ||
        micro_output(&sp->model, 0, &scores) == NULL ||
        audio != b->window_samples * sizeof *b->audio || row != b->channels ||
        input != b->rows * b->channels || scores != b->recognizer.n_labels ||
        b->stride_samples == 0 || b->stride_samples > b->window_samples || b->every == 0 ||
        !speech_recognizer_init(&sp->recognizer, &b->recognizer)) {
        return MICRO_ERR_INDEX;
    }
    return MICRO_OK;
}

int main(void)
{
    const speech_bundle_t *b = &speech_bundle;
    micro_put("speech board=" MICRO_BOARD);
    micro_put_field(" features_arena=", b->features_arena_size);
    micro_put_field(" model_arena=", b->model_arena_size);
    micro_put_field(" rows=", b->rows);
    micro_put_field(" channels=", b->channels);
    micro_put_field(" every=", b->every);
    micro_put("\n");
    micro_status_t status = init();
    if (status != MICRO_OK) {
        micro_put("the programs cannot run: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
    }
    for (uint32_t i = 0; status == MICRO_OK && i < b->n_clips; ++i) {
        source_t clip = {&b->clips[i], 0, b->tail_samples, 0};
        status = run_stream(b->clips[i].name, &clip);
    }
    char name[64];
    int opened = 0;
    for (uint32_t i = 0; status == MICRO_OK && (opened = micro_audio_open(i, name, sizeof name)) != 0;
         ++i) {
        if (opened == 1) {
            source_t input = {NULL, 0, b->tail_samples, 0};
            status = run_stream(name, &input);
            micro_audio_close();
        }
    }
    if (status != MICRO_OK) {
        micro_put("failed: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
    }
    micro_put_field("done status=", (uint32_t)status);
    micro_put("\n");
    return (int)status;
}
