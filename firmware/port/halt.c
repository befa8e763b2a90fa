/* Exit on a real board: report the status on the console, then sleep forever. */
#include "micro_port.h"

void micro_port_exit(int status)
{
    micro_port_write(status == 0 ? "exit 0\n" : "exit with an error\n", status == 0 ? 7u : 19u);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
