import Foundation
import TollgateCapture
import TollgateEvents

/// Feeds a capture file's records to a sink (a `Gate`) exactly as a backend would have:
/// `jobStarted` from the header's seed, then every record in order.
struct CaptureReplay {
    let path: String
    let reader: CaptureReader
    /// The trailer when the file is intact.
    let trailer: CaptureTrailer?
    /// The damage found, when any (replay then stops before it, with `--salvage`).
    let damage: CaptureError?
    let intactRecords: Int

    /// Reads and verifies `path`; throws the header error when even the header is unusable.
    init(path: String) throws(CaptureError) {
        self.path = path
        reader = try CaptureReader(contentsOf: path)
        switch reader.verify() {
        case .intact(let trailer):
            self.trailer = trailer
            damage = nil
            intactRecords = .max
        case .damaged(let error, let intact):
            trailer = nil
            damage = error
            intactRecords = intact
        }
    }

    /// `path: error: ...` for a capture error.
    static func message(_ path: String, _ error: CaptureError) -> String {
        "\(path): error: \(error.description)"
    }

    /// The job as the recording gate saw it. Without recorded values, `PATH` is pointed at the
    /// recorded executable's folder so the seed resolves to the same executable.
    var job: JobSpec {
        let header = reader.header
        var environment = header.environment.map { String(decoding: $0.bytes, as: UTF8.self) }
        if !header.environmentValuesIncluded, let index = environment.firstIndex(of: "PATH") {
            let folder = (String(decoding: header.executable.bytes, as: UTF8.self) as NSString).deletingLastPathComponent
            environment[index] = "PATH=\(folder)"
        }
        return JobSpec(command: header.command.map { String(decoding: $0.bytes, as: UTF8.self) },
                       environment: environment,
                       workingDirectory: String(decoding: header.workingDirectory.bytes, as: UTF8.self))
    }

    /// Seeds `sink` and delivers the intact records. Returns how many were delivered, how many
    /// of those carry a payload the recording backend could not read (counted from the records'
    /// flags, as the live run counted them), and the damage met on the way, if any (only a file
    /// resealed after tampering gets there: its checksum holds but a record's content does not).
    func replay(into sink: CaptureSink) -> (delivered: Int, unreadable: UInt64, damage: CaptureError?) {
        let header = reader.header
        if !header.command.isEmpty {
            sink.jobStarted(pid: header.seedPid, job: job, timestamp: header.seedTimestamp)
        }
        var delivered = 0
        var unreadable: UInt64 = 0
        do {
            try reader.replay(limit: intactRecords) { event in
                delivered += 1
                if event.hasUnreadablePayload { unreadable += 1 }
                sink.receive(event)
            }
            return (delivered, unreadable, nil)
        } catch {
            return (delivered, unreadable, error)
        }
    }
}
