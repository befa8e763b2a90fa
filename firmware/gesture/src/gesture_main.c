/*
 * micro's gesture firmware. Each accelerometer sample (micro_imu.h: the board's IMU, or
 * host traces on an emulator) becomes int8 at 1/32 g and enters a window of the last
 * `window_samples`; once the window is full, every `hop` samples the model scores it and
 * the recognizer reports a gesture whose score reaches the threshold, then stays quiet
 * for `suppress` samples (overlapping windows see one gesture several times). The host's
 * twin is micro/gesture/pipeline.py; the model and settings: gesture_bundle.h.
 *
 *   gesture board=<id> program=<B> arena=<B> window=<n> hop=<n>
 *   stream name=<name>
 *   scores end=<n> hex=<int8 scores>                    (trace)
 *   <name>: gesture 'wing' (0.93) at 2.56 s
 *   end name=<name> samples=<n>
 *   done status=<code>
 *
 * Each inference is bracketed by marks (micro_marks.h), where the emulator's
 * instruction counter reads its count.
 */
#include "gesture_bundle.h"
#include "micro/micro.h"
#include "micro_imu.h"
#include "micro_marks.h"
#include "micro_print.h"

#define NAME_SIZE 64u

typedef struct {
    micro_runtime_t rt;
    uint32_t quiet_until; /* sample index before which nothing is reported */
} gesture_t;

static gesture_t gesture;

static int8_t to_int8(int16_t counts, uint32_t shift)
{
    const int32_t q = ((int32_t)counts + (1 << (shift - 1u))) >> shift; /* arithmetic shift */
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

/* "d.dd" of num / den >= 0, rounded half up. */
static void put_centi(int64_t num, int64_t den)
{
    const int64_t centi = num <= 0 ? 0 : (200 * num + den) / (2 * den);
    const char text[3] = {'.', (char)('0' + centi / 10 % 10), (char)('0' + centi % 10)};
    micro_put_u32((uint32_t)(centi / 100));
    micro_port_write(text, 3);
}

/* Score the window ending at sample `end`; report a gesture. */
static micro_status_t classify(uint32_t end, const char *name)
{
    const gesture_bundle_t *b = &gesture_bundle;
    uint32_t size = 0;
    uint8_t *input = micro_input(&gesture.rt, 0, &size);
    if (input == NULL || size != b->window_samples * 3u) {
        return MICRO_ERR_INDEX;
    }
    for (uint32_t i = 0; i < size; ++i) {
        input[i] = (uint8_t)b->window[i];
    }
    micro_port_mark(MICRO_MARK_INVOKE_BEGIN);
    const micro_status_t status = micro_invoke(&gesture.rt);
    micro_port_mark(MICRO_MARK_INVOKE_END);
    const int8_t *scores = (const int8_t *)micro_output(&gesture.rt, 0, &size);
    if (status != MICRO_OK || scores == NULL || size != b->n_labels) {
        return status != MICRO_OK ? status : MICRO_ERR_INDEX;
    }
    if (b->trace) {
        micro_put_field("scores end=", end);
        micro_put(" hex=");
        micro_put_hex(scores, size);
        micro_put("\n");
    }
    uint32_t top = 0;
    for (uint32_t k = 1; k < size; ++k) {
        if (scores[k] > scores[top]) {
            top = k;
        }
    }
    if (top == b->negative || end < gesture.quiet_until || scores[top] < b->min_score) {
        return MICRO_OK;
    }
    gesture.quiet_until = end + b->suppress;
    micro_put(name);
    micro_put(": gesture '");
    micro_put(b->labels[top]);
    micro_put("' (");
    put_centi(b->scale_num * (scores[top] - b->zero_point), b->scale_den);
    micro_put(") at ");
    put_centi((int64_t)end, MICRO_IMU_RATE);
    micro_put(" s\n");
    return MICRO_OK;
}

static micro_status_t run_stream(const char *name)
{
    const gesture_bundle_t *b = &gesture_bundle;
    const uint32_t last = (b->window_samples - 1u) * 3u;
    micro_status_t status = micro_reset(&gesture.rt);
    gesture.quiet_until = 0;
    uint32_t n = 0;
    int16_t xyz[3];
    while (status == MICRO_OK && micro_imu_read(xyz, 1) == 1) {
        for (uint32_t i = 0; i < last; ++i) { /* slide the window by one sample */
            b->window[i] = b->window[i + 3u];
        }
        for (uint32_t axis = 0; axis < 3u; ++axis) {
            b->window[last + axis] = to_int8(xyz[axis], b->shift);
        }
        ++n;
        if (n >= b->window_samples && (n - b->window_samples) % b->hop == 0) {
            status = classify(n, name);
        }
    }
    micro_put("end name=");
    micro_put(name);
    micro_put_field(" samples=", n);
    micro_put("\n");
    return status;
}

int main(void)
{
    const gesture_bundle_t *b = &gesture_bundle;
    micro_put("gesture board=" MICRO_BOARD);
    micro_put_field(" program=", b->program_size);
    micro_put_field(" arena=", b->arena_size);
    micro_put_field(" window=", b->window_samples);
    micro_put_field(" hop=", b->hop);
    micro_put("\n");
    micro_status_t status =
        micro_init(&gesture.rt, b->program, b->program_size, b->arena, b->arena_size);
    if (status != MICRO_OK) {
        micro_put("init failed: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
    }
    char name[NAME_SIZE];
    for (uint32_t i = 0; status == MICRO_OK; ++i) {
        const int opened = micro_imu_open(i, name, NAME_SIZE);
        if (opened == 0) {
            break;
        }
        if (opened < 0) {
            status = MICRO_ERR_INDEX;
            break;
        }
        micro_put("stream name=");
        micro_put(name);
        micro_put("\n");
        status = run_stream(name);
        micro_imu_close();
    }
    micro_put_field("done status=", (uint32_t)status);
    micro_put("\n");
    return (int)status;
}
