import Foundation
import Testing

/// A connect's peer is the one the kernel connected to, not what its sockaddr's user memory
/// says by the call's exit: another thread can rewrite that after the kernel's copy (#21). ptrace
/// read it at the exit stop, where such a rewrite always lands first: a connection to the
/// listener was reported as one to a decoy. eBPF and ptrace now take the port and address from
/// the socket. (seccomp reads the sockaddr before the kernel does: its CONTINUE race is a
/// listed blind spot.)
@Suite(.enabled(if: getuid() == 0, "needs root: the gate captures with eBPF or ptrace as root"))
struct ConnectPeerEndToEndTests {
    static let decoyPort = 47_999

    @Test(arguments: [GateBackend.ebpf, .ptrace])
    func aRewrittenSockaddrDoesNotRenameThePeer(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: backend == .ebpf)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let listener = try LoopbackListener()
        defer { listener.close() }
        let rules = try scratch.write("peers.yaml", """
            - rule: Connected to the decoy
              desc: a connection the record names 127.0.0.2:\(Self.decoyPort) that succeeded (nothing listens there)
              condition: evt.type = connect and fd.rport = \(Self.decoyPort) and evt.rawres = 0
              output: decoy %fd.name
              priority: ERROR
            - rule: Connected to the listener
              desc: the connections that did succeed
              condition: evt.type = connect and fd.rport = \(listener.port) and fd.rip = 127.0.0.1 and evt.rawres = 0
              output: listener %fd.name
              priority: INFO
            """)
        let program = try CFixture.compile("Tests/Fixtures/enforcement/evasions/swap_connect_peer.c",
                                           to: scratch.url.appendingPathComponent("swap_connect_peer"), flags: ["-O1", "-pthread"])
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--rules", rules.path, "--",
                                              program.path, "\(listener.port)", "\(Self.decoyPort)", "300"], timeout: 120).run()
        let connected = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(!outcome.stderr.contains("Connected to the decoy"), "\(connected) \(outcome.stderr.prefix(2000))")
        #expect(outcome.status == 0, "\(outcome.stderr.prefix(2000))")
        let count = Int(connected.split(separator: " ").dropFirst().first ?? "") ?? 0
        if count > 0 {
            #expect(outcome.stderr.contains("Connected to the listener: listener "), "the \(count) that connected were seen: \(outcome.stderr.prefix(2000))")
        }
    }
}
