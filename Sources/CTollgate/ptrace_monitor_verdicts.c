/* Verdicts, in the monitor process (--kill-on, --deny-on; see tollgate_ptrace.h): records that
 * hold their task until the gate has evaluated them, and probes of calls about to run that the
 * gate may refuse. The task stays stopped (ptrace) or its notification unanswered (seccomp)
 * while the gate decides, so a job the gate kills never runs past the call that gave it away. */
#include "ptrace_monitor.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int in_set(const uint64_t *set, int nr)
{
    return nr >= 0 && nr < TG_MAX_SYSCALLS && (set[nr / 64] >> (nr % 64)) & 1;
}

int tg_holds(int nr)
{
    const struct tg_verdict_config *verdicts = tg_mon.setup->verdicts;
    return verdicts && in_set(verdicts->hold_syscalls, nr);
}

int tg_probes(int nr)
{
    const struct tg_verdict_config *verdicts = tg_mon.setup->verdicts;
    return verdicts && in_set(verdicts->deny_syscalls, nr);
}

/* How long the gate may take to answer: past it the gate is taken for stuck, and the job is
 * killed (a verdict never comes, so the run cannot pass anyway). */
#define TG_VERDICT_DEADLINE_NS (60LL * 1000000000)

/* Waits for the gate's answer to the record it was just sent. Cancel bytes are noted on the
 * way; a gate that is gone (its end of the control pipe closed) or silent past the deadline
 * means kill. */
static char await_verdict(void)
{
    tg_output_flush();
    int64_t deadline = tg_now_ns(CLOCK_MONOTONIC) + TG_VERDICT_DEADLINE_NS;
    for (;;) {
        if (tg_mon.gate_gone || tg_mon.job_killed || tg_now_ns(CLOCK_MONOTONIC) > deadline)
            break;
        char byte;
        ssize_t got = read(tg_mon.setup->control_fd, &byte, 1);
        if (got == 1) {
            if (byte == TG_VERDICT_ALLOW || byte == TG_VERDICT_DENY)
                return byte;
            if (byte == TG_VERDICT_KILL)
                break;
            if (byte == TG_CONTROL_CANCEL)
                tg_mon.cancelled = 1;
            continue;
        }
        if (got == 0) {
            tg_mon.gate_gone = 1;
            break;
        }
        if (errno == EAGAIN) {
            /* The control pipe is non-blocking; the 20 ms alarm interrupts the wait harmlessly.
             * Notifications that arrive meanwhile are received at once (seccomp_notify.c). */
            struct pollfd ready[2] = {{.fd = tg_mon.setup->control_fd, .events = POLLIN},
                                      {.fd = tg_seccomp_listener(), .events = POLLIN}};
            poll(ready, ready[1].fd >= 0 ? 2 : 1, -1);
            if (ready[1].fd >= 0 && (ready[1].revents & POLLIN))
                tg_seccomp_receive_waiting();
        } else if (errno != EINTR) {
            tg_mon.gate_gone = 1;
            break;
        }
    }
    tg_kill_job();
    return TG_VERDICT_KILL;
}

char tg_settle(void)
{
    if (tg_mon.job_killed)
        return TG_VERDICT_KILL;
    if (!tg_mon.verdict_pending)
        return TG_VERDICT_ALLOW;
    tg_mon.verdict_pending = 0;
    return await_verdict();
}

char tg_probe(const struct tg_task *task, int nr, const uint64_t args[6])
{
    struct tg_task probed = *task;
    uint16_t flags = TG_FLAG_PROBE | TG_FLAG_AWAITS_VERDICT;
    if (!(tg_is_exec(nr) && tg_record_exec_at_entry(&probed, nr, args, flags)) &&
        tg_record_at_entry(task, nr, args, flags | TG_FLAG_RETURN_UNKNOWN, 0))
        return TG_VERDICT_KILL; /* an open of the gate's /proc entries, refused with EPERM */
    return tg_settle();
}

int tg_refusal(const struct tg_task *task, int nr, const uint64_t args[6], char verdict)
{
    if (verdict != TG_VERDICT_DENY)
        return EPERM;
    int error = tg_mon.setup->verdicts->deny_errno;
    /* Already decided: a denied call's record never waits (tg_record_finish). */
    tg_record_at_entry(task, nr, args, TG_FLAG_DENIED, -error);
    return error;
}
