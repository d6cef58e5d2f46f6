#include "tollgate_probe.h"
#include "remote_memory.h"
#include "seccomp_program.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

enum { PROBE_TIMEOUT_MS = 3000 };

static void fail(struct tg_probe_result *result, int error, const char *what)
{
    result->error = error ? error : EPROTO;
    snprintf(result->message, sizeof(result->message), "%s: %s", what, strerror(result->error));
}

/* Reads a string the child has (it is a fork of this process) the way the backends read a
 * job: which method returns it, and why the ones before it did not. */
static void probe_memory(struct tg_probe_result *result, pid_t child, int traced_and_stopped)
{
    static const char marker[] = "tollgate doctor memory probe";
    struct tg_memory_reader reader;
    tg_memory_init(&reader, traced_and_stopped);
    result->memory_tried = 1;
    result->read_method = tg_memory_probe(&reader, child, (uint64_t)(uintptr_t)marker, marker, sizeof(marker),
                                          traced_and_stopped);
    memcpy(result->read_errno, reader.stats.probe_errno, sizeof(result->read_errno));
}

/* In a probe's child: dumpable, as the monitor makes the job (the gate is not, and its children
 * inherit that), so that a process without CAP_SYS_PTRACE may read it as it reads the job. */
static void prepare_memory_child(void)
{
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* waitpid() with a deadline; kills and reaps the child when the deadline passes. */
static int wait_child(pid_t pid, int *status, int options)
{
    for (int waited = 0; waited < PROBE_TIMEOUT_MS; waited++) {
        pid_t got = waitpid(pid, status, options | WNOHANG);
        if (got == pid)
            return 0;
        if (got < 0 && errno != EINTR)
            return errno;
        struct timespec millisecond = {0, 1000000};
        nanosleep(&millisecond, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return ETIMEDOUT;
}

/* In the child: report `error` to the parent through `report_fd`, then exit. */
static void child_exit(int report_fd, int error)
{
    ssize_t ignored = write(report_fd, &error, sizeof(error));
    (void)ignored;
    _exit(error ? 1 : 0);
}

static int install_filter(const struct sock_fprog *program, unsigned int flags)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, program);
}

/* Reads the child's reported errno (or ECHILD when it exited without a word). */
static int read_report(int fd)
{
    struct pollfd ready = {.fd = fd, .events = POLLIN};
    if (poll(&ready, 1, PROBE_TIMEOUT_MS) <= 0)
        return ETIMEDOUT;
    int error = ECHILD;
    return read(fd, &error, sizeof(error)) == sizeof(error) ? error : ECHILD;
}

void tg_probe_seccomp_filter(struct tg_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    int getppid_nr = SCMP_SYS(getppid);
    struct sock_fprog program;
    int err = tg_seccomp_program_build(&getppid_nr, 1, SCMP_ACT_ERRNO(EXDEV), NULL, 0, &program);
    if (err) {
        fail(result, -err, "building a seccomp filter with libseccomp");
        return;
    }
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        fail(result, errno, "pipe2");
        tg_seccomp_program_free(&program);
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        if (install_filter(&program, 0) != 0)
            child_exit(report[1], errno);
        long answer = syscall(SYS_getppid);
        child_exit(report[1], answer == -1 && errno == EXDEV ? 0 : EPROTO);
    }
    close(report[1]);
    tg_seccomp_program_free(&program);
    if (child < 0) {
        fail(result, errno, "fork");
        close(report[0]);
        return;
    }
    int reported = read_report(report[0]);
    close(report[0]);
    int status = 0;
    int waited = wait_child(child, &status, 0);
    if (reported)
        fail(result, reported, "installing a seccomp filter in a child");
    else if (waited || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail(result, waited, "the filtered child did not exit cleanly");
}

/* Sends `fd` with a zero word; a child that failed sends its errno alone (child_exit). */
static int send_fd(int socket, int fd)
{
    char control[CMSG_SPACE(sizeof(int))] = {0};
    int word = 0;
    struct iovec iov = {.iov_base = &word, .iov_len = sizeof(word)};
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    return sendmsg(socket, &message, 0) == sizeof(word) ? 0 : -1;
}

/* Receives a descriptor sent by send_fd(), or sets errno to what the child reported. */
static int receive_fd(int socket)
{
    struct pollfd ready = {.fd = socket, .events = POLLIN};
    if (poll(&ready, 1, PROBE_TIMEOUT_MS) <= 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    char control[CMSG_SPACE(sizeof(int))] = {0};
    int word = ECHILD;
    struct iovec iov = {.iov_base = &word, .iov_len = sizeof(word)};
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
    if (recvmsg(socket, &message, MSG_CMSG_CLOEXEC) != sizeof(word)) {
        errno = ECHILD;
        return -1;
    }
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (!header || header->cmsg_type != SCM_RIGHTS) {
        errno = word ? word : EPROTO;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(header), sizeof(int));
    return fd;
}

/* Answers one notification on `listener` with CONTINUE. Returns 0 or an errno. */
static int continue_one(int listener, struct tg_probe_result *result)
{
    struct pollfd ready = {.fd = listener, .events = POLLIN};
    if (poll(&ready, 1, PROBE_TIMEOUT_MS) <= 0)
        return ETIMEDOUT;
    struct seccomp_notif *request;
    struct seccomp_notif_resp *response;
    int err = seccomp_notify_alloc(&request, &response);
    if (err)
        return -err;
    err = seccomp_notify_receive(listener, request);
    if (!err) {
        probe_memory(result, (pid_t)request->pid, 0);
        response->id = request->id;
        response->error = 0;
        response->val = 0;
        response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        err = seccomp_notify_respond(listener, response);
    }
    seccomp_notify_free(request, response);
    return err < 0 ? -err : err;
}

void tg_probe_seccomp_notify(struct tg_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    result->read_method = TG_READ_NONE;
    int getppid_nr = SCMP_SYS(getppid);
    struct sock_fprog program;
    int err = tg_seccomp_program_build(&getppid_nr, 1, SCMP_ACT_NOTIFY, NULL, 0, &program);
    if (err) {
        fail(result, -err, "building a user-notification filter with libseccomp");
        return;
    }
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        fail(result, errno, "socketpair");
        tg_seccomp_program_free(&program);
        return;
    }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        prepare_memory_child();
        int listener = install_filter(&program, SECCOMP_FILTER_FLAG_NEW_LISTENER);
        if (listener < 0)
            child_exit(channel[1], errno);
        if (send_fd(channel[1], listener) != 0)
            child_exit(channel[1], errno);
        close(listener);
        long answer = syscall(SYS_getppid);
        child_exit(channel[1], answer == parent ? 0 : EPROTO);
    }
    close(channel[1]);
    tg_seccomp_program_free(&program);
    if (child < 0) {
        fail(result, errno, "fork");
        close(channel[0]);
        return;
    }
    int listener = receive_fd(channel[0]);
    if (listener < 0) {
        fail(result, errno, "installing a user-notification filter");
    } else {
        __u64 sync_wake_up = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
        result->extra = ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, sync_wake_up) == 0;
        int answered = continue_one(listener, result);
        int reported = answered ? 0 : read_report(channel[0]);
        if (answered)
            fail(result, answered, "answering a notification with CONTINUE");
        else if (reported)
            fail(result, reported, "the notified syscall did not complete");
        close(listener);
    }
    close(channel[0]);
    int status = 0;
    wait_child(child, &status, 0);
}

void tg_probe_ptrace(struct tg_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    result->read_method = TG_READ_NONE;
    int getppid_nr = SCMP_SYS(getppid);
    struct sock_fprog program;
    int err = tg_seccomp_program_build(&getppid_nr, 1, SCMP_ACT_TRACE(0), NULL, 0, &program);
    if (err) {
        fail(result, -err, "building a SECCOMP_RET_TRACE filter with libseccomp");
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        prepare_memory_child();
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            _exit(2);
        raise(SIGSTOP);
        if (install_filter(&program, 0) != 0)
            _exit(3);
        _exit(syscall(SYS_getppid) > 0 ? 0 : 4);
    }
    tg_seccomp_program_free(&program);
    if (child < 0) {
        fail(result, errno, "fork");
        return;
    }
    int status = 0;
    int waited = wait_child(child, &status, 0);
    if (waited || !WIFSTOPPED(status)) {
        fail(result, waited ? waited : EPERM, "PTRACE_TRACEME (the child did not stop for its tracer)");
        if (!waited) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
        }
        return;
    }
    long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                   PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, child, 0, options) != 0) {
        fail(result, errno, "PTRACE_SETOPTIONS");
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        return;
    }
    probe_memory(result, child, 1);
    int saw_seccomp_stop = 0;
    ptrace(PTRACE_CONT, child, 0, 0);
    while ((waited = wait_child(child, &status, 0)) == 0 && WIFSTOPPED(status)) {
        if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
            saw_seccomp_stop = 1;
        int deliver = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
        ptrace(PTRACE_CONT, child, 0, deliver);
    }
    if (waited)
        fail(result, waited, "waiting for the traced child");
    else if (!saw_seccomp_stop)
        fail(result, EPROTO, "no seccomp stop was seen for a SECCOMP_RET_TRACE syscall");
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail(result, EPROTO, "the traced child did not exit cleanly");
}

void tg_probe_bpf_lsm(struct tg_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    int btf_id = libbpf_find_vmlinux_btf_id("file_open", BPF_LSM_MAC);
    if (btf_id < 0) {
        result->error = -btf_id;
        snprintf(result->message, sizeof(result->message), "finding the LSM hook file_open in the kernel's BTF: %s",
                 strerror(-btf_id));
        return;
    }
    /* return 0: allow. */
    const struct bpf_insn allow[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    LIBBPF_OPTS(bpf_prog_load_opts, options, .expected_attach_type = BPF_LSM_MAC, .attach_btf_id = (__u32)btf_id);
    int fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "tg_lsm_probe", "GPL", allow, 2, &options);
    if (fd < 0) {
        result->error = errno ? errno : EINVAL;
        snprintf(result->message, sizeof(result->message), "loading an lsm/file_open program: %s", strerror(result->error));
        return;
    }
    close(fd);
    snprintf(result->message, sizeof(result->message), "an lsm/file_open program loads");
}
