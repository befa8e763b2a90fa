/* Accelerometer traces from the host (emulated boards): stream i holds int16 x, y, z
 * samples, little-endian, interleaved (`micro gesture --board` writes them). The linker
 * takes this file from the library's archive only when no board file defines
 * micro_imu_open (boards/nano33ble/imu.c does). */
#include "micro_imu.h"
#include "micro_stream.h"

int micro_imu_open(uint32_t index, char *name, uint32_t size)
{
    return micro_stream_open(index, name, size);
}

uint32_t micro_imu_read(int16_t *xyz, uint32_t count)
{
    return micro_stream_read(xyz, count * 6u) / 6u; /* the board is little-endian too */
}

void micro_imu_close(void)
{
    micro_stream_close();
}
