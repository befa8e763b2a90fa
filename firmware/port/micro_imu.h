/*
 * A board's accelerometer: streams of 3-axis samples at 25 Hz in counts of 1/8192 g (a
 * +-4 g range, as the LSM9DS1 gives them). Optional, like micro_audio.h:
 * boards/nano33ble/imu.c reads the Nano 33 BLE Sense's LSM9DS1; on the emulated boards
 * firmware/gesture's stream_imu.c reads traces the host streams in (micro_stream.h).
 */
#ifndef MICRO_IMU_H
#define MICRO_IMU_H

#include <stdint.h>

#define MICRO_IMU_RATE 25u          /* samples a second */
#define MICRO_IMU_COUNTS_PER_G 8192 /* counts of one g */

/* Open stream `index` (0, 1, ...) and write its name (NUL-terminated, at most size bytes):
 * 1 if open, 0 if there is no such stream, -1 on an error (said on the console). A sensor
 * is stream 0, endless. */
int micro_imu_open(uint32_t index, char *name, uint32_t size);
/* Wait for the next `count` samples (x, y, z interleaved) of the open stream: the number of
 * samples copied, fewer than `count` only at the end of the stream. */
uint32_t micro_imu_read(int16_t *xyz, uint32_t count);
void micro_imu_close(void);

#endif
