import CTollgate
import Foundation

/// What the job did to the monitor process of the ptrace and seccomp backends (it is the job's
/// parent, so the job can signal it), told as `CaptureCoverage.interference`, and the clean-up
/// after a monitor that died.
enum MonitorInterference {
    /// One sentence per kind of interference the gate saw; empty when the monitor ran undisturbed
    /// and reported the run's end. `orphansKilled` are the job's processes the gate ended after
    /// the monitor died (`endOrphans`).
    static func describe(_ summary: tg_monitor_summary, orphansKilled: [Int32] = []) -> [String] {
        let monitor = "the capture monitor (pid \(summary.monitor_pid))"
        var lines: [String] = []
        if summary.monitor_stops > 0 {
            let times = summary.monitor_stops == 1 ? "" : ", \(summary.monitor_stops) times"
            let milliseconds = (summary.monitor_stopped_ns + 999_999) / 1_000_000
            lines.append("\(monitor) was stopped by a signal (\(name(of: summary.monitor_stop_signal))\(times)); resumed after at most \(milliseconds) ms")
        }
        if summary.done == 0 {
            let status = summary.monitor_status
            let error = cString(summary.error)
            if summary.monitor_reaped != 0, status & 0x7F != 0 {
                lines.append("\(monitor) was killed by \(name(of: status & 0x7F)) before the job ended: what the job did afterwards was not seen")
            } else if !error.isEmpty {
                lines.append("\(monitor) failed: \(error)")
            } else {
                lines.append("\(monitor) ended before the job did: what the job did afterwards was not seen")
            }
            if !orphansKilled.isEmpty {
                lines[lines.count - 1] += "; the gate killed the job's \(orphansKilled.count) remaining process(es): \(orphansKilled.map(String.init).joined(separator: " "))"
            }
        }
        return lines
    }

    /// After the monitor died, the job's processes it knew of are the gate's children (the gate
    /// is a child subreaper): kills and reaps them, so nothing of the job runs on unobserved.
    /// Only processes whose parent is this gate are touched, never a reused pid.
    static func endOrphans(of tree: JobTree) -> [Int32] {
        let gate = getpid()
        let orphans = tree.live.filter { parent(of: $0) == gate }
        for pid in orphans { kill(pid, SIGKILL) }
        for pid in orphans {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            tree.forget(pid)
        }
        return orphans.sorted()
    }

    private static func name(of signal: Int32) -> String {
        let names: [Int32: String] = [SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU",
                                      SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT"]
        return names[signal] ?? "signal \(signal)"
    }

    /// The parent pid in /proc/PID/stat (after the command name's closing parenthesis), or nil.
    private static func parent(of pid: Int32) -> Int32? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count - 1, file)
        let text = String(decoding: buffer.prefix(count).map(UInt8.init(bitPattern:)), as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
