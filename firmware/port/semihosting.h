/*
 * Arm semihosting (BKPT 0xAB): the emulator or debug probe performs an operation for the
 * program. Only where one is attached: on a board running alone a BKPT is a fault.
 */
#ifndef MICRO_SEMIHOSTING_H
#define MICRO_SEMIHOSTING_H

#include <stdint.h>

#define MICRO_SYS_OPEN 0x01u        /* {name, mode, strlen(name)} -> handle or -1 */
#define MICRO_SYS_CLOSE 0x02u       /* {handle} -> 0 or -1 */
#define MICRO_SYS_WRITE0 0x04u      /* NUL-terminated text -> console */
#define MICRO_SYS_READ 0x06u        /* {handle, buffer, size} -> bytes NOT read */
#define MICRO_SYS_GET_CMDLINE 0x15u /* {buffer, size} -> 0; size becomes the length */
#define MICRO_SYS_EXIT 0x18u
#define MICRO_SYS_EXIT_EXTENDED 0x20u
#define MICRO_SYS_OPEN_RB 1u        /* SYS_OPEN mode "rb" */

/* One call: operation `op` with its argument block (or value) `arg`; the host's answer. */
uint32_t micro_semihost(uint32_t op, const void *arg);

#endif
