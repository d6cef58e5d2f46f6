/* Reports its credentials to the gate and to the test: `credentials_probe DIR MODE [NEXT]`.
 *
 * A report named TAG copies /proc/thread-self/status into DIR/TAG.status, then creates
 * DIR/TAG.marker, whose open the test's rule shows with the thread's credentials; the test
 * compares the two. Modes:
 *   plain        report "plain"; write DIR/release_agent
 *   thread-drop  a second thread drops to uid 65534 with a raw setresuid (its own credentials
 *                only) and reports "dropped"; then the main thread, still privileged, reports
 *                "main" and writes DIR/release_agent
 *   fail-setuid  setuid(0) (fails when not root), report "after"; write DIR/release_agent
 *   capset-exec  clear every capability set with capset, report "cleared", then exec NEXT as
 *                `NEXT DIR plain`
 *   replaced     rename DIR/replacement over this program's own path, report "replaced"
 *   report       report NEXT (a tag)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *dir;

static void report(const char *tag)
{
    char path[4096], text[8192];
    int source = open("/proc/thread-self/status", O_RDONLY);
    ssize_t length = source >= 0 ? read(source, text, sizeof(text)) : -1;
    if (source >= 0)
        close(source);
    snprintf(path, sizeof(path), "%s/%s.status", dir, tag);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || length <= 0 || write(out, text, (size_t)length) != length) {
        perror("credentials_probe: status");
        exit(1);
    }
    close(out);
    snprintf(path, sizeof(path), "%s/%s.marker", dir, tag);
    int marker = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (marker >= 0)
        close(marker);
}

static void write_release_agent(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/release_agent", dir);
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file >= 0) {
        (void)!write(file, "x\n", 2);
        close(file);
    }
}

static void *drop(void *unused)
{
    (void)unused;
    if (syscall(SYS_setresuid, 65534, 65534, 65534) != 0) {
        perror("credentials_probe: setresuid");
        exit(1);
    }
    report("dropped");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 64;
    dir = argv[1];
    const char *mode = argv[2];
    if (strcmp(mode, "plain") == 0) {
        report("plain");
        write_release_agent();
    } else if (strcmp(mode, "thread-drop") == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, drop, NULL) != 0 || pthread_join(thread, NULL) != 0)
            return 1;
        report("main");
        write_release_agent();
    } else if (strcmp(mode, "fail-setuid") == 0) {
        if (setuid(0) == 0)
            fprintf(stderr, "credentials_probe: setuid(0) succeeded\n");
        report("after");
        write_release_agent();
    } else if (strcmp(mode, "capset-exec") == 0 && argc > 3) {
        struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
        struct __user_cap_data_struct data[2];
        memset(data, 0, sizeof(data));
        if (syscall(SYS_capset, &header, data) != 0) {
            perror("credentials_probe: capset");
            return 1;
        }
        report("cleared");
        char *next[] = {argv[3], (char *)dir, "plain", NULL};
        execv(argv[3], next);
        perror("credentials_probe: exec");
        return 1;
    } else if (strcmp(mode, "report") == 0 && argc > 3) {
        report(argv[3]);
    } else if (strcmp(mode, "replaced") == 0) {
        char replacement[4096];
        snprintf(replacement, sizeof(replacement), "%s/replacement", dir);
        if (rename(replacement, argv[0]) != 0) {
            perror("credentials_probe: rename");
            return 1;
        }
        report("replaced");
    } else {
        return 64;
    }
    return 0;
}
