/* The main thread exits alone (SYS_exit); a second thread then reads the file named by argv[1]
 * and runs `cat` on it. The process lives on without its leader; with TG_LINGER set in the
 * environment the thread then waits forever (for the gate's grace kill). */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *target;

static void *steal(void *unused)
{
    (void)unused;
    usleep(300000); /* the leader is gone by now */
    char buffer[256];
    int fd = open(target, O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buffer, sizeof(buffer));
        (void)n;
        close(fd);
    }
    pid_t child = fork();
    if (child == 0) {
        execl("/bin/cat", "cat", target, (char *)NULL);
        _exit(127);
    }
    waitpid(child, NULL, 0);
    if (getenv("TG_LINGER"))
        for (;;)
            pause();
    syscall(SYS_exit_group, 0);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    target = argv[1];
    pthread_t thread;
    if (pthread_create(&thread, NULL, steal, NULL) != 0)
        return 1;
    syscall(SYS_exit, 0); /* this thread only */
    return 0;
}
