import CTollgate
import CTollgateBench
import Foundation
import Testing
@testable import TollgateCapture

/// The floors behind `tollgate-bench floor --backend ptrace|seccomp` (`tg_floor_run`): the
/// shipped monitor's filter is in place and every stop is taken, but none is read or recorded
/// (the floor has no record stream at all), and the job runs as usual.
@Suite(.serialized)
struct FloorMonitorTests {
    struct Run {
        var status: Int32 = -1
        var stops: UInt64 = 0
        var syscallRecords = 0
        var records = 0
    }

    /// The job `sh -c script` with the filter of UnprivilegedJobs: config, argv, envp, and
    /// room for an error message.
    static func withJob<R>(_ script: String, _ body: (inout tg_capture_config, [UnsafeMutablePointer<CChar>?],
                                                     [UnsafeMutablePointer<CChar>?], inout [CChar]) throws -> R) rethrows -> R {
        var config = BPFCaptureConfig.make(syscallNames: UnprivilegedJobs.names)
        var error = [CChar](repeating: 0, count: 256)
        let argv = [strdup("/bin/sh"), strdup("-c"), strdup(script), nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { envp.forEach { free($0) } }
        return try body(&config, argv, envp, &error)
    }

    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
    }

    /// Runs `sh -c script` at the floor of `mode` with the filter of UnprivilegedJobs.
    static func floor(_ mode: tg_monitor_mode, _ script: String) throws -> Run {
        var result = tg_floor_result()
        let failure = withJob(script) { config, argv, envp, error in
            tg_floor_run(mode, "/bin/sh", argv, envp, &config, &result, &error, error.count) == 0 ? nil : text(error)
        }
        try #require(failure == nil, "the floor did not start: \(failure ?? "")")
        #expect(result.exec_errno == 0)
        return Run(status: result.status, stops: result.stops)
    }

    /// Runs `sh -c script` under the shipped monitor in `mode` with the filter of UnprivilegedJobs.
    static func run(_ mode: tg_monitor_mode, _ script: String) throws -> Run {
        try withJob(script) { config, argv, envp, error in
            let monitor = try #require(tg_monitor_start(mode, "/bin/sh", argv, envp, &config, nil, nil, 10, &error, error.count),
                                       "\(text(error))")
            return watch(monitor)
        }
    }

    /// Releases the job of a started monitor and reads its records until the tree has ended.
    static func watch(_ monitor: OpaquePointer) -> Run {
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

    @Test(arguments: [TG_MONITOR_PTRACE, TG_MONITOR_SECCOMP])
    func theFloorTakesTheStopsAndRecordsNoSyscall(_ mode: tg_monitor_mode) throws {
        let script = "for f in /etc/hostname /etc/passwd /etc/group; do cat $f > /dev/null; done; exit 5"
        let atFloor = try Self.floor(mode, script)
        let captured = try Self.run(mode, script)
        #expect(WIFEXITED(atFloor.status) && WEXITSTATUS(atFloor.status) == 5, "status \(atFloor.status)")
        #expect(captured.syscallRecords > 0)
        // The same filter: at least one stop per opened file, as many as when capturing.
        #expect(atFloor.stops >= 3)
        #expect(atFloor.stops >= captured.stops / 2, "floor \(atFloor.stops) stops, capture \(captured.stops)")
    }

    @Test(arguments: [TG_MONITOR_PTRACE, TG_MONITOR_SECCOMP])
    func theFloorWaitsForTheWholeTree(_ mode: tg_monitor_mode) throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("floor-\(UUID().uuidString)").path
        defer { unlink(marker) }
        let atFloor = try Self.floor(mode, "(sleep 0.3; cat /etc/hostname > \(marker)) & exit 0")
        #expect(WIFEXITED(atFloor.status) && WEXITSTATUS(atFloor.status) == 0, "status \(atFloor.status)")
        #expect(FileManager.default.fileExists(atPath: marker), "the floor returned before the orphan ended")
    }
}

private func WIFEXITED(_ status: Int32) -> Bool { status & 0x7F == 0 }
private func WEXITSTATUS(_ status: Int32) -> Int32 { (status >> 8) & 0xFF }
