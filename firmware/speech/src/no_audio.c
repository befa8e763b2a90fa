/* A board without an audio input: no streams. The linker takes this file from the library's
 * archive only when no board or port file defines micro_audio_open (micro_audio.h). */
#include "micro_audio.h"

int micro_audio_open(uint32_t index, char *name, uint32_t size)
{
    (void)index;
    (void)name;
    (void)size;
    return 0;
}

uint32_t micro_audio_read(int16_t *samples, uint32_t count)
{
    (void)samples;
    (void)count;
    return 0;
}

void micro_audio_close(void)
{
}
