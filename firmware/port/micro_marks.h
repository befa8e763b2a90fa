/*
 * The micro_port_mark ids with which the runner, the classify and the gesture firmware
 * bracket each inference (and the runner each profiled step), where the emulator's
 * instruction counter reads its count. The host reads these through cffi to cut the counts
 * (micro/firmware/run.py). The speech firmware marks its stages (speech_bundle.h).
 */
#ifndef MICRO_MARKS_H
#define MICRO_MARKS_H

#define MICRO_MARK_INVOKE_BEGIN 1u
#define MICRO_MARK_INVOKE_END 2u
#define MICRO_MARK_STEP_BEGIN 3u
#define MICRO_MARK_STEP_END 4u
#define MICRO_MARKS_PER_INVOKE 2u /* begin, end */
#define MICRO_MARKS_PER_STEP 2u   /* begin, end */

#endif
