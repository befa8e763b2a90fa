/*
 * A board's byte streams: files the host hands the firmware. Optional, like micro_audio.h:
 * the emulated boards' port piece semihosting_stream.c reads the host files named on the
 * semihosting command line (word i + 1 is stream i; word 0 is the program).
 *
 *   for (i = 0; micro_stream_open(i, name, sizeof name) == 1; ++i) {
 *       while (micro_stream_read(buffer, n) == n) { ... }      fewer: the stream has ended
 *       micro_stream_close();
 *   }
 */
#ifndef MICRO_STREAM_H
#define MICRO_STREAM_H

#include <stdint.h>

/* Open stream `index` (0, 1, ...) and write its name (the file's base name, NUL-terminated,
 * at most size bytes) into `name`: 1 if it is open, 0 if there is no such stream, -1 if it
 * exists but cannot be read (the reason is written on the console). */
int micro_stream_open(uint32_t index, char *name, uint32_t size);
/* Copy the next `size` bytes of the open stream to `data`: the number copied, fewer than
 * `size` only at its end. */
uint32_t micro_stream_read(void *data, uint32_t size);
void micro_stream_close(void);

#endif
