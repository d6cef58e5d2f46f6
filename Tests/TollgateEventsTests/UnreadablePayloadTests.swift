import Testing

@testable import TollgateEvents

/// A payload the backend could not read from the job's memory (issue 29): the record carries
/// no payload for it and the `payloadReadFailed` flag; its values are unknown (`<NA>`), never
/// empty, and the record counts as damage unless the call is known to have failed.
struct UnreadablePayloadTests {
    typealias T = TestEvents

    /// An openat whose path could not be read: flagged, no `.arg(1)` payload.
    static func blindOpenat(fd: Int64, flags: RawEvent.Flags = [.payloadReadFailed]) -> RawEvent {
        var event = T.sys("openat", args: [T.atFdcwd, 0x7ffd_0000_1000, 0, 0], ret: fd)
        event.flags = flags
        return event
    }

    @Test func anUnreadablePathLeavesTheFdNameUnknownNotTheCwd() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(Self.blindOpenat(fd: 3)))
        #expect(event.fd != nil, "the fd still exists: only its name is unknown")
        #expect(event.fd?.name == nil)
        #expect(event.fd?.nameRaw == nil)
        #expect(event.fd?.directory == nil && event.fd?.filename == nil)
        #expect(event.argument(named: "name") == nil)
        #expect(event.fsPath(.name) == nil)
        #expect(decoder.processes.process(T.job)?.fds[3]?.name == nil)
    }

    @Test func fchdirToAnFdWithAnUnknownNameForgetsTheCwd() throws {
        let decoder = T.decoder()
        var directory = Self.blindOpenat(fd: 3)
        directory.args[2] = 0o200000  // O_DIRECTORY
        T.run(decoder, [directory, T.sys("fchdir", args: [3])])
        #expect(decoder.processes.process(T.job)?.cwd == nil)
    }

    struct DamageCase: Sendable, CustomStringConvertible {
        let description: String
        let event: RawEvent
        let damaged: Bool
    }

    static let damageCases: [DamageCase] = [
        DamageCase(description: "read and flagged", event: blindOpenat(fd: 3), damaged: true),
        DamageCase(description: "not flagged", event: T.openat("/etc/passwd", fd: 3), damaged: false),
        DamageCase(description: "flagged, failed with EBADF: the kernel may never have touched that memory",
                   event: blindOpenat(fd: -9), damaged: false),
        DamageCase(description: "flagged, failed with EFAULT: the kernel could not read it either",
                   event: blindOpenat(fd: -14), damaged: false),
        DamageCase(description: "flagged, a large positive result (not an error)", event: blindOpenat(fd: 5000), damaged: true),
        DamageCase(description: "flagged, result unknown (seccomp): it may have succeeded",
                   event: blindOpenat(fd: -14, flags: [.payloadReadFailed, .returnValueUnknown]), damaged: true),
        DamageCase(description: "an exec record (returns 0) whose command line could not be read",
                   event: RawEvent(kind: .processExec, timestamp: 1, pid: 10, tid: 10, returnValue: -14,
                                   flags: [.payloadReadFailed]), damaged: true),
    ]

    @Test(arguments: damageCases)
    func damage(_ c: DamageCase) {
        #expect(c.event.hasUnreadablePayload == c.damaged)
    }

    @Test func theFlagSurvivesTheCaptureEncoding() throws {
        var bytes: [UInt8] = []
        Self.blindOpenat(fd: 3).encode(into: &bytes)
        let decoded = try RawEvent.decode(bytes, at: 0).0
        #expect(decoded.hasUnreadablePayload)
        #expect(!decoded.hasPayload(.arg(1)))
    }
}
