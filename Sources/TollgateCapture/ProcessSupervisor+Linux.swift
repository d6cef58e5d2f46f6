import CTollgate
import Foundation

/// Waits for the job's whole process tree: the gate is a child subreaper, so daemonised and
/// double-forked descendants are re-parented to it and reaped here. Forwards cancelling
/// signals to the job and, once the main process has ended, gives the rest a grace period
/// before killing them.
final class ProcessSupervisor {
    private static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private let signalFD: Int32
    private let grace: GracePeriod
    private var mainTermination: Termination?
    private var mainEndedAt: ContinuousClock.Instant?
    private var killed: [Int32] = []
    private(set) var forwardedSignals: [Int32] = []
    private var cancelled = false

    /// Becomes a subreaper and starts noting cancelling signals. Call before launching.
    init(grace: GracePeriod) throws {
        let subreaper = tg_become_subreaper()
        guard subreaper == 0 else { throw POSIXError(POSIXErrorCode(rawValue: -subreaper) ?? .EPERM) }
        let fd = Self.forwarded.withUnsafeBufferPointer { tg_signal_pipe($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: -fd) ?? .EIO) }
        signalFD = fd
        self.grace = grace
    }

    deinit {
        close(signalFD)
    }

    /// Reaps what has ended, forwards signals, enforces the grace period. Returns true once
    /// the main process and every descendant are gone.
    func step(_ tree: JobTree) -> Bool {
        forwardPendingSignals(to: tree.mainPid)
        if mainTermination == nil, let status = reap(tree.mainPid) {
            mainTermination = status.map(Termination.init(waitStatus:)) ?? .signaled(SIGKILL)
            mainEndedAt = .now
            tree.forget(tree.mainPid)
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
