import Foundation
import TollgateCapture
import TollgateEvents
import TollgateGate

/// A `CaptureSink` that writes every record the backend delivers to a capture file. The file
/// appears only at `finish` (temp file beside it, then rename), so a reader never sees half a
/// capture; `finish` is called also when the job fails or the gate is interrupted.
final class CaptureRecorder: CaptureSink {
    /// Why the capture file could not be written (exit 74, like a report).
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): error: cannot write the capture file: \(reason)" }
    }

    let path: String
    private let temporaryPath: String
    private let descriptor: Int32
    private let backend: BackendKind
    private let keepEnvironmentValues: Bool
    private let startTime: UInt64
    private let bootTimeOffset: Int64
    private var writer: CaptureWriter?
    private var failure: String?

    /// Creates the temporary file beside `path`; throws when the folder is not writable.
    /// `bootTimeOffset` must be the one the live `Gate` uses, so replayed times are identical.
    init(path: String, backend: BackendKind, keepEnvironmentValues: Bool,
         bootTimeOffset: Int64 = BootClock.wallClockOffset()) throws(WriteError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        self.backend = backend
        self.keepEnvironmentValues = keepEnvironmentValues
        self.bootTimeOffset = bootTimeOffset
        startTime = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64) {
        let executable = ExecutableSearch.resolve(job.command.first ?? "", environment: job.environment)
        startWriter(CaptureHeader(
            backend: backend.rawValue, toolVersion: TollgateVersion.current, hostname: ProcessInfo.processInfo.hostName,
            bootTimeOffset: bootTimeOffset, startTime: startTime, seedPid: pid, seedPpid: getpid(),
            uid: geteuid(), gid: getegid(), seedTimestamp: timestamp,
            workingDirectory: ByteString(job.workingDirectory), executable: ByteString(executable),
            command: job.arguments.map { ByteString($0) }, environment: job.environmentEntries.map { ByteString($0) },
            environmentValuesIncluded: keepEnvironmentValues, launcher: .current))
    }

    func receive(_ event: RawEvent) {
        guard let writer, failure == nil else { return }
        do { try writer.append(event) } catch { failure = Self.reason(error) }
    }

    /// Writes the trailer from `result` (nil: the backend failed, outcome unknown), then
    /// renames the file into place. The capture is kept even when the job failed.
    func finish(_ result: CaptureResult?) throws(WriteError) {
        if writer == nil {
            // The backend failed before the job started: an empty capture still says so.
            startWriter(CaptureHeader(
                backend: backend.rawValue, toolVersion: TollgateVersion.current, hostname: ProcessInfo.processInfo.hostName, bootTimeOffset: bootTimeOffset,
                startTime: startTime, seedPid: 0, seedPpid: getpid(), uid: geteuid(), gid: getegid(), seedTimestamp: 0,
                workingDirectory: "", executable: "", command: [], environment: [], environmentValuesIncluded: false))
        }
        var trailer = CaptureTrailer(endTime: UInt64(Date().timeIntervalSince1970 * 1_000_000_000))
        if let result {
            trailer.backendEvents = result.coverage.events
            trailer.drops = result.coverage.drops
            trailer.malformed = result.coverage.malformed
            trailer.blindSpots = result.coverage.blindSpots
            trailer.exitStatus = result.outcome.termination.shellStatus
            trailer.killedDescendants = UInt32(clamping: result.outcome.killedDescendants.count)
        }
        if failure == nil {
            do { try writer?.finish(trailer) } catch { failure = Self.reason(error) }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporaryPath)
            throw WriteError(path: path, reason: failure)
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw WriteError(path: path, reason: reason)
        }
    }

    private static func reason(_ error: Error) -> String {
        (error as? WriteError)?.reason ?? "\(error)"
    }

    private func startWriter(_ header: CaptureHeader) {
        let fd = descriptor
        writer = CaptureWriter(header: header) { bytes in
            try bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, base + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw WriteError(path: "", reason: String(cString: strerror(errno)))
                    }
                    offset += n
                }
            }
        }
    }
}

/// Hands every record to several sinks in order, e.g. a `CaptureRecorder` and the `Gate`.
final class TeeSink: CaptureSink {
    private let sinks: [CaptureSink]

    init(_ sinks: [CaptureSink]) {
        self.sinks = sinks
    }

    func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64) {
        for sink in sinks { sink.jobStarted(pid: pid, job: job, timestamp: timestamp) }
    }

    func gateStarted(processes: [Int32]) {
        for sink in sinks { sink.gateStarted(processes: processes) }
    }

    func receive(_ event: RawEvent) {
        for sink in sinks { sink.receive(event) }
    }

    /// The first sink that enforces anything speaks for all (the gate; a recorder never does).
    var enforcement: Enforcement? { sinks.lazy.compactMap(\.enforcement).first }

    func decide(_ probe: RawEvent) -> RecordVerdict {
        sinks.lazy.map { $0.decide(probe) }.first { $0 != .allow } ?? .allow
    }

    var killsJob: Bool { sinks.contains { $0.killsJob } }
}

extension CaptureRecorder {
    /// The recorder for `run --capture PATH`, nil without the flag; exits 74 when the file
    /// cannot be created.
    static func starting(_ path: String?, backend: BackendKind, keepEnvironmentValues: Bool,
                         bootTimeOffset: UInt64) throws -> CaptureRecorder? {
        guard let path else { return nil }
        do {
            return try CaptureRecorder(path: path, backend: backend, keepEnvironmentValues: keepEnvironmentValues,
                                       bootTimeOffset: Int64(bootTimeOffset))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitStatus.cannotWriteReport
        }
    }

    /// `finish`, exiting 74 after saying why when the capture cannot be written.
    func conclude(_ result: CaptureResult?) throws {
        do {
            try finish(result)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitStatus.cannotWriteReport
        }
    }
}
