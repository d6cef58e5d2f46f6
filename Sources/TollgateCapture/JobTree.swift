import CTollgate
import TollgateEvents

/// The job's processes as the capture sees them: which are alive, and which have exited and
/// may be this gate's to reap (orphans are re-parented to the gate, a subreaper).
///
/// Built from records rather than from wait(2) alone, so the gate never reaps a child that
/// is not the job's (tests run the gate inside a process with children of its own).
final class JobTree {
    let mainPid: Int32
    /// Processes (thread-group ids) of the job that have not exited.
    private(set) var live: Set<Int32>
    /// Exited processes that may be zombies waiting for this gate.
    private(set) var exitedUnreaped: Set<Int32> = []

    init(mainPid: Int32) {
        self.mainPid = mainPid
        live = [mainPid]
    }

    func observe(_ event: RawEvent) {
        switch event.kind {
        case .processFork:
            let childTgid = Int32(truncatingIfNeeded: event.args[1])
            if childTgid != event.pid { live.insert(childTgid) }
        case .processExit where Self.endsProcess(event):
            live.remove(event.pid)
            if event.pid != mainPid { exitedUnreaped.insert(event.pid) }
        default:
            break
        }
    }

    /// Whether an exit record ends its process: its leader's, unless the backend says other
    /// threads remain (a leader that called exit alone), or the last thread's, where the
    /// backend says so.
    private static func endsProcess(_ event: RawEvent) -> Bool {
        let flags = UInt32(truncatingIfNeeded: event.args[0])
        return event.pid == event.tid ? flags & TG_EXIT_THREADS_REMAIN.rawValue == 0
                                      : flags & TG_EXIT_LAST_THREAD.rawValue != 0
    }

    /// The process is gone (reaped, or it no longer exists).
    func forget(_ pid: Int32) {
        live.remove(pid)
        exitedUnreaped.remove(pid)
    }
}
