import CTollgate
import Foundation
import Testing
@testable import TollgateCapture

/// The floor modes behind `tollgate bench-floor --backend ptrace|seccomp`: the filter is in
/// place and every stop is taken, but none is read or recorded, and the job runs as usual.
@Suite(.serialized)
struct MonitorFloorTests {
    struct Run {
        var status: Int32 = -1
        var stops: UInt64 = 0
        var syscallRecords = 0
        var records = 0
    }

    /// Runs `sh -c script` under the monitor in `mode` with the filter of UnprivilegedJobs.
    static func run(_ mode: tg_monitor_mode, _ script: String) throws -> Run {
        var config = BPFCaptureConfig.make(syscallNames: UnprivilegedJobs.names)
        var error = [CChar](repeating: 0, count: 256)
        let argv = [strdup("/bin/sh"), strdup("-c"), strdup(script), nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { envp.forEach { free($0) } }
        let monitor = try #require(tg_monitor_start(mode, "/bin/sh", argv, envp, &config, nil, nil, 10, &error, error.count),
                                   "\(String(decoding: error.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))")
        defer { tg_monitor_close(monitor) }
        #expect(tg_monitor_release(monitor) == 0)
        var run = Run()
        let deadline = ContinuousClock.now + .seconds(20)
        while tg_monitor_summary(monitor).pointee.finished == 0 && ContinuousClock.now < deadline {
            let polled = withUnsafeMutablePointer(to: &run) { pointer in
                tg_monitor_poll(monitor, 50, { context, record, _ in
                    let run = context!.assumingMemoryBound(to: Run.self)
                    run.pointee.records += 1
                    if record!.assumingMemoryBound(to: tg_record.self).pointee.kind == UInt8(TG_KIND_SYSCALL.rawValue) {
                        run.pointee.syscallRecords += 1
                    }
                    return 0
                }, pointer)
            }
            if polled < 0 { break }
        }
        let summary = tg_monitor_summary(monitor).pointee
        #expect(summary.finished != 0, "the job's tree ended")
        run.status = summary.main_status
        run.stops = summary.stops
        return run
    }

    @Test(arguments: [(TG_MONITOR_PTRACE_FLOOR, TG_MONITOR_PTRACE), (TG_MONITOR_SECCOMP_FLOOR, TG_MONITOR_SECCOMP)])
    func theFloorTakesTheStopsAndRecordsNoSyscall(_ floor: tg_monitor_mode, _ full: tg_monitor_mode) throws {
        let script = "for f in /etc/hostname /etc/passwd /etc/group; do cat $f > /dev/null; done; exit 5"
        let atFloor = try Self.run(floor, script)
        let captured = try Self.run(full, script)
        #expect(WIFEXITED(atFloor.status) && WEXITSTATUS(atFloor.status) == 5, "status \(atFloor.status)")
        #expect(atFloor.syscallRecords == 0, "the floor recorded \(atFloor.syscallRecords) syscalls")
        #expect(captured.syscallRecords > 0)
        // The same filter: at least one stop per opened file, as many as when capturing.
        #expect(atFloor.stops >= 3)
        #expect(atFloor.stops >= captured.stops / 2, "floor \(atFloor.stops) stops, capture \(captured.stops)")
        #expect(atFloor.records > 0, "forks, execs and exits are still followed")
    }
}

private func WIFEXITED(_ status: Int32) -> Bool { status & 0x7F == 0 }
private func WEXITSTATUS(_ status: Int32) -> Int32 { (status >> 8) & 0xFF }
