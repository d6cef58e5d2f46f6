import Testing
@testable import TollgateEvents

private typealias T = TestEvents

/// Capability sets and the executable's identity in the decoder's state (docs/fields.md):
/// per thread, through fork, exec, unshare and calls whose result is unknown.
struct DecoderCredentialsTests {
    static let full = Capabilities(inheritable: 0, permitted: 0x1FF_FFFF_FFFF, effective: 0x1FF_FFFF_FFFF)
    static let none = Capabilities(inheritable: 0, permitted: 0, effective: 0)

    static func payload(_ capabilities: Capabilities) -> ByteString {
        ByteString([capabilities.inheritable, capabilities.permitted, capabilities.effective].flatMap { word in
            (0..<8).map { UInt8((word >> (8 * UInt64($0))) & 0xFF) }
        })
    }

    static func withCredentials(_ raw: RawEvent, _ capabilities: Capabilities) -> RawEvent {
        var raw = raw
        raw.setPayload(.credentials, payload(capabilities).bytes)
        return raw
    }

    @Test func namesFollowFalco() {
        #expect(Capabilities.text(0) == "")
        #expect(Capabilities.text(1 << 21 | 1 << 1) == "CAP_DAC_OVERRIDE CAP_SYS_ADMIN")
        #expect(Capabilities.text(1 << 40) == "CAP_CHECKPOINT_RESTORE")
    }

    /// A thread that drops its own credentials leaves the others' as they were.
    @Test func credentialsArePerThread() throws {
        let decoder = T.decoder()
        T.run(decoder, [Self.withCredentials(T.exec(pid: 1000, path: "/bin/job", argv: ["job"]), Self.full),
                        T.fork(child: 1001, flags: 0x3D0F00, childPid: 1000)])
        let dropped = try #require(decoder.decode(Self.withCredentials(
            T.sys("setresuid", tid: 1001, args: [65534, 65534, 65534], uid: 65534), Self.none)))
        #expect(dropped.thread.capabilities == Self.none)
        let main = try #require(decoder.decode(T.openat("/x/release_agent", fd: 3)))
        #expect(main.thread.tid == 1000)
        #expect(main.thread.capabilities == Self.full, "the main thread kept its capabilities")
    }

    /// A fork record's sets are the child's (a clone into a new user namespace); without
    /// them the child inherits its creator's.
    @Test func forkGivesTheChildItsOwnOrItsCreatorsSets() throws {
        let decoder = T.decoder()
        T.run(decoder, [Self.withCredentials(T.exec(pid: 1000, path: "/bin/job", argv: ["job"]), Self.none),
                        T.fork(child: 1001),
                        Self.withCredentials(T.fork(child: 1002), Self.full)])
        #expect(decoder.processes.thread(1001)?.capabilities == Self.none)
        #expect(decoder.processes.thread(1002)?.capabilities == Self.full)
        #expect(decoder.processes.thread(1000)?.capabilities == Self.none, "a fork record's sets are not its caller's")
    }

    /// unshare's event is the caller's before it, as in Falco; the sets it gained apply next.
    @Test func unshareAppliesFromTheNextEvent() throws {
        let decoder = T.decoder()
        T.run(decoder, [Self.withCredentials(T.exec(pid: 1000, path: "/bin/job", argv: ["job"]), Self.none)])
        let unshare = try #require(decoder.decode(Self.withCredentials(T.sys("unshare", args: [0x1000_0000]), Self.full)))
        #expect(unshare.thread.capabilities == Self.none)
        let next = try #require(decoder.decode(T.openat("/etc/hosts", fd: 3)))
        #expect(next.thread.capabilities == Self.full)
    }

    /// A setuid whose result is unknown (seccomp) changes nothing: the uid it asked for is not
    /// taken until a later record says so.
    @Test func setuidWithUnknownResultChangesNothing() throws {
        let decoder = T.decoder()
        var attempt = T.sys("setuid", args: [0], uid: 1000)
        attempt.flags = [.returnValueUnknown, .argsReadAtEntry]
        let event = try #require(decoder.decode(attempt))
        #expect(event.process.uid == 1000)
        let known = try #require(decoder.decode(T.sys("setuid", args: [0], ret: 0, uid: 0)))
        #expect(known.process.uid == 0)
    }

    /// The image an exec record describes, kept by forked children.
    @Test func executableFileFromTheExecRecord() throws {
        let decoder = T.decoder()
        var exec = T.exec(pid: 1000, path: "/tmp/dropped", argv: ["dropped"])
        let words: [UInt64] = [4242, 0x80_0001, 1_700_000_000_000_000_000, 1_699_999_999_000_000_000, 5_000_000]
        exec.setPayload(.exeFile, words.flatMap { word in (0..<8).map { UInt8((word >> (8 * UInt64($0))) & 0xFF) } })
        T.run(decoder, [exec, T.fork(child: 1001)])
        let file = try #require(decoder.processes.process(1001)?.exeFile)
        #expect(file == ExecutableFile(inode: 4242, device: 0x80_0001, ctime: 1_700_000_000_000_000_000,
                                       mtime: 1_699_999_999_000_000_000, pidNamespaceStart: 5_000_000))
    }
}
