import CTollgate
import Foundation

/// Waits for the job's whole process tree: the gate is a child subreaper, so daemonised and
/// double-forked descendants are re-parented to it and reaped here. Forwards cancelling
/// signals to the job and, once the main process has ended, gives the rest a grace period
/// before killing them.
final class ProcessSupervisor {
    private static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private let signalFD: Int32
    /// A pidfd of the main process while it runs and is watched (`watchMain`).
    private var mainExitFD: Int32?
    private let grace: GracePeriod
    private var mainTermination: Termination?
    private var mainEndedAt: ContinuousClock.Instant?
    private var killed: [Int32] = []
    /// The sink asked for the job's death (`killJob`).
    private var jobKilled = false
    private(set) var forwardedSignals: [Int32] = []
    private var cancelled = false

    /// Becomes a subreaper that the job cannot trace without `CAP_SYS_PTRACE` (not dumpable)
    /// and starts noting cancelling signals. Call before launching.
    init(grace: GracePeriod) throws {
        let subreaper = tg_become_subreaper()
        guard subreaper == 0 else { throw POSIXError(POSIXErrorCode(rawValue: -subreaper) ?? .EPERM) }
        let undumpable = tg_become_undumpable()
        guard undumpable == 0 else { throw POSIXError(POSIXErrorCode(rawValue: -undumpable) ?? .EPERM) }
        let fd = Self.forwarded.withUnsafeBufferPointer { tg_signal_pipe($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: -fd) ?? .EIO) }
        signalFD = fd
        self.grace = grace
    }

    deinit {
        close(signalFD)
        stopWatchingMain()
    }

    /// Watches the job's main process `pid`, forked but not yet reaped, so that
    /// `wakeDescriptors` tell its end at once. Without pidfds (before Linux 5.3) the end is
    /// noticed at the caller's next tick.
    func watchMain(_ pid: Int32) {
        stopWatchingMain()
        let fd = tg_pidfd_open(pid)
        mainExitFD = fd >= 0 ? fd : nil
    }

    /// Descriptors that become readable when `step` has work to do: a cancelling signal
    /// arrived, or the watched main process ended. A backend that sleeps until records
    /// arrive should wake on them too, or it learns of the job's end only at its next tick.
    var wakeDescriptors: [Int32] {
        mainExitFD.map { [signalFD, $0] } ?? [signalFD]
    }

    /// Reaps what has ended, forwards signals, enforces the grace period. Returns true once
    /// the main process and every descendant are gone.
    func step(_ tree: JobTree) -> Bool {
        if jobKilled { killJob(tree) }
        forwardPendingSignals(to: tree.mainPid)
        if mainTermination == nil, let status = reap(tree.mainPid) {
            mainTermination = status.map(Termination.init(waitStatus:)) ?? .signaled(SIGKILL)
            mainEndedAt = .now
            tree.forget(tree.mainPid)
            stopWatchingMain()
        } else if let fd = mainExitFD, Self.isReadable(fd) {
            // Ended but not reapable yet (a tracer in the job holds it): the tick will do,
            // rather than waking at once on every wait.
            stopWatchingMain()
        }
        for pid in tree.exitedUnreaped where reap(pid) != nil {
            tree.forget(pid)
        }
        guard let ended = mainEndedAt else { return false }
        if tree.live.isEmpty { return true }
        if cancelled || ContinuousClock.now - ended > .seconds(grace.seconds) {
            killRemaining(tree)
        }
        return false
    }

    private func stopWatchingMain() {
        if let fd = mainExitFD { close(fd) }
        mainExitFD = nil
    }

    private static func isReadable(_ fd: Int32) -> Bool {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&ready, 1, 0) > 0
    }

    func outcome(mainPid: Int32) -> JobOutcome {
        JobOutcome(pid: mainPid, termination: mainTermination ?? .signaled(SIGKILL),
                   killedDescendants: killed, forwardedSignals: forwardedSignals)
    }

    /// nil while `pid` runs; `.some(status)` once reaped; `.some(nil)` when it is not (or no
    /// longer) this process's child to reap.
    private func reap(_ pid: Int32) -> Int32?? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return .some(status) }
        if result < 0 && errno == ECHILD { return .some(nil) }
        return nil
    }

    /// For backends whose own monitor process reaps the job and enforces the grace period
    /// (ptrace, seccomp): forwards cancelling signals to `mainPid` while `mainRunning`, and
    /// returns true once the gate has been asked to cancel (the monitor should then end the
    /// grace period at once).
    func forwardSignals(to mainPid: Int32, mainRunning: Bool) -> Bool {
        forwardPendingSignals(to: mainPid, mainRunning: mainRunning)
        return cancelled
    }

    private func forwardPendingSignals(to mainPid: Int32, mainRunning: Bool? = nil) {
        let mainRunning = mainRunning ?? (mainTermination == nil)
        var note = tg_signal_note()
        while read(signalFD, &note, MemoryLayout<tg_signal_note>.size) == MemoryLayout<tg_signal_note>.size {
            // A terminal's ^C reaches the whole foreground group, the job included: only
            // signals sent by a process (CI cancelling the step) need forwarding.
            let sentByProcess = note.code == SI_USER || note.code == SI_QUEUE
            if sentByProcess, mainRunning {
                kill(mainPid, note.signal)
                forwardedSignals.append(note.signal)
            }
            // A second cancellation means "now": no grace for anything still running.
            if cancelled, mainRunning {
                kill(mainPid, SIGKILL)
            }
            cancelled = true
        }
    }

    /// Kills every live process of the job at once, the main one and its process group
    /// included, and every one seen later (`--kill-on`).
    func killJob(_ tree: JobTree) {
        jobKilled = true
        kill(-tree.mainPid, SIGKILL)
        for pid in tree.live { kill(pid, SIGKILL) }
    }

    private func killRemaining(_ tree: JobTree) {
        for pid in tree.live {
            if kill(pid, SIGKILL) != 0 && errno == ESRCH {
                tree.forget(pid)
            } else if !killed.contains(pid) {
                killed.append(pid)
            }
        }
    }
}
