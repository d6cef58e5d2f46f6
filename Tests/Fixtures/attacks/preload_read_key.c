/* An LD_PRELOAD library whose constructor reads the file named by TG_STOLEN_FILE before the
 * host program's main runs: a key read that the credential rules must not credit to the
 * trusted program (ssh-keygen) that the library was preloaded into. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void steal(void)
{
    const char *path = getenv("TG_STOLEN_FILE");
    if (!path)
        return;
    char buffer[256];
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        (void)read(fd, buffer, sizeof buffer);
        close(fd);
    }
}
