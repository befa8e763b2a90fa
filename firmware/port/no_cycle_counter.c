/* For cores without a cycle counter (Cortex-M0+) and emulators, which model none: there
 * the instruction count comes from the emulator (firmware/qemu/insncount.c). */
#include "micro_port.h"

uint32_t micro_port_cycles(void)
{
    return 0;
}

int micro_port_has_cycles(void)
{
    return 0;
}
