/*
 * A board's audio input: streams of 16 kHz mono 16-bit samples. Optional: a board that has
 * one implements these three functions (boards/nano33ble/pdm.c: the PDM microphone; the
 * emulated boards' port piece semihosting_audio.c: host .wav files). Where no board
 * defines them, firmware/speech's no_audio.c stands in (no streams).
 *
 *   for (i = 0; micro_audio_open(i, name, sizeof name) == 1; ++i) {
 *       while (micro_audio_read(block, n) == n) { ... }      fewer: the stream has ended
 *       micro_audio_close();
 *   }
 */
#ifndef MICRO_AUDIO_H
#define MICRO_AUDIO_H

#include <stdint.h>

#define MICRO_AUDIO_RATE 16000u

/* Open stream `index` (0, 1, ...) and write its name (NUL-terminated, at most size bytes)
 * into `name`: 1 if it is open, 0 if there is no such stream, -1 if it exists but cannot
 * be read (the reason is written on the console). A microphone is stream 0, endless. */
int micro_audio_open(uint32_t index, char *name, uint32_t size);
/* Wait for the next `count` samples of the open stream and copy them to `samples`; the
 * number copied, fewer than `count` only at the end of the stream. */
uint32_t micro_audio_read(int16_t *samples, uint32_t count);
void micro_audio_close(void);

#endif
