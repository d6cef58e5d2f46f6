import Testing

@testable import TollgateEvents

/// `EventDecoder.preview`: the event a call about to run would be (`--deny-on` probes), built
/// on copies, so a call the gate then refuses leaves the state as it was.
struct DecoderPreviewTests {
    typealias T = TestEvents

    /// A probe: arguments at entry, the result unknown.
    static func probe(_ raw: RawEvent) -> RawEvent {
        var raw = raw
        raw.flags.formUnion([.probe, .returnValueUnknown])
        return raw
    }

    @Test func aPreviewedExecShowsTheNewImageAndLeavesTheProcessAlone() throws {
        let decoder = T.decoder()
        var seen: (name: String?, count: UInt64)?
        decoder.preview(Self.probe(T.exec(pid: T.job, path: "/usr/bin/nc", argv: ["nc", "-e", "/bin/sh"]))) { event in
            seen = (event.process.name?.description, event.number)
        }
        #expect(seen?.name == "nc", "rules on the exec see the program it would run")
        #expect(decoder.eventCount == 0, "a preview is not an event")
        let process = try #require(decoder.processes.process(T.job))
        #expect(process.name?.description == "make")
        #expect(process.args?.map(\.description) == ["test"])
    }

    @Test func aPreviewedOpenNamesItsFileAndAddsNoFd() throws {
        let decoder = T.decoder()
        var name: String?
        decoder.preview(Self.probe(T.openat("../.ssh/id_rsa", fd: 0))) { event in name = event.fd?.name?.description }
        #expect(name == "/home/builder/.ssh/id_rsa")
        #expect(try #require(decoder.processes.process(T.job)).fds.count == 0)
    }

    @Test func aPreviewedConnectOrCloseChangesNoSocketOrFd() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("socket", args: [2, 1, 0], ret: 3), T.openat("/etc/hosts", fd: 4)])
        let peer = T.sockaddr(.ipv4(address: 0x0A00_0009, port: 4444))
        var previewedPeer: String?
        decoder.preview(Self.probe(T.sys("connect", args: [3, 0, 16], payloads: [.arg(1): peer]))) { event in
            previewedPeer = event.fd?.socket?.remote?.description
        }
        decoder.preview(Self.probe(T.sys("close", args: [4]))) { _ in }
        decoder.preview(Self.probe(T.sys("chdir", payloads: [.arg(0): "/tmp"]))) { _ in }
        #expect(previewedPeer == "10.0.0.9:4444")
        let process = try #require(decoder.processes.process(T.job))
        #expect(process.fds[3]?.socket?.remote == nil, "the live socket is not connected by a preview")
        #expect(process.fds[4]?.name?.description == "/etc/hosts", "a previewed close closes nothing")
        #expect(process.cwd?.description == "/home/builder/src/")
    }

    @Test func aPreviewOfAnUnknownThreadBuildsNothing() {
        let decoder = T.decoder()
        var built = false
        decoder.preview(Self.probe(T.openat("/etc/shadow", fd: 0, pid: 4242))) { _ in built = true }
        #expect(!built)
        #expect(decoder.processes.process(4242) == nil, "no process is made up for it")
    }

    @Test func aDeniedCallIsAFailedCall() throws {
        let decoder = T.decoder()
        var denied = T.openat("/home/builder/.ssh/id_rsa", fd: -1)
        denied.flags.insert(.denied)
        let event = try #require(T.run(decoder, [denied]))
        #expect(event.fd?.name?.description == "/home/builder/.ssh/id_rsa")
        #expect(event.fdNumber == -1)
        #expect(try #require(decoder.processes.process(T.job)).fds.count == 0)
    }
}
