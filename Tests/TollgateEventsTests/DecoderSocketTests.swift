import Testing

@testable import TollgateEvents

/// Socket state: tuples, roles, families, name changes.
struct DecoderSocketTests {
    typealias T = TestEvents
    static let server = SocketAddress.ipv4(address: 0x5DB8_D822, port: 443)  // 93.184.216.34

    @Test func ipv4Connect() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("socket", args: [2, 1, 0], ret: 3)])
        let event = try #require(decoder.decode(
            T.sys("connect", args: [3, 0, 16], ret: 0, payloads: [.arg(1): T.sockaddr(Self.server)])))
        let fd = try #require(event.fd)
        #expect(fd.type == .ipv4 && fd.type.typeChar == "4")
        #expect(fd.socket?.l4proto == .tcp)
        #expect(fd.socket?.server == Self.server)
        #expect(fd.socket?.connected == true)
        #expect(fd.name == "0.0.0.0:0->93.184.216.34:443")
        #expect(event.argument(named: "addr")?.rendered == "93.184.216.34:443")
        #expect(event.argument(named: "tuple")?.rendered == "0.0.0.0:0->93.184.216.34:443")
        #expect(event.fdNameChanged)
    }

    @Test func connectInProgressStillNamesTheSocket() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("socket", args: [2, 0o4001, 0], ret: 3)])
        let event = try #require(decoder.decode(
            T.sys("connect", args: [3, 0, 16], ret: -115, payloads: [.arg(1): T.sockaddr(Self.server)])))
        #expect(event.resultString == "EINPROGRESS")
        #expect(event.fd?.socket?.server?.port == 443)
    }

    @Test func ipv6AndUnix() throws {
        let decoder = T.decoder()
        let v6 = SocketAddress.ipv6(address: IPv6Address(high: 0x2001_0DB8_0000_0000, low: 1), port: 22)
        T.run(decoder, [
            T.sys("socket", args: [10, 2, 17], ret: 3),
            T.sys("connect", args: [3, 0, 28], payloads: [.arg(1): T.sockaddr(v6)]),
            T.sys("socket", args: [1, 1, 0], ret: 4),
            T.sys("connect", args: [4, 0, 110], payloads: [.arg(1): T.sockaddr(.unix(path: "/run/docker.sock"))]),
        ])
        let fds = try #require(decoder.processes.process(1000)?.fds)
        #expect(fds[3]?.type == .ipv6)
        #expect(fds[3]?.socket?.l4proto == .udp)
        #expect(fds[3]?.name == ":::0->2001:db8::1:22")
        #expect(fds[4]?.type == .unix && fds[4]?.type.typeChar == "u")
        #expect(fds[4]?.name == "/run/docker.sock")
    }

    @Test func theKernelsLocalAddressCompletesTheTuple() throws {
        let decoder = T.decoder()
        let local = SocketAddress.ipv4(address: 0x0A00_0001, port: 40000)  // 10.0.0.1
        T.run(decoder, [T.sys("socket", args: [2, 1, 0], ret: 3)])
        let connect = try #require(decoder.decode(
            T.sys("connect", args: [3, 0, 16], ret: 0,
                  payloads: [.arg(1): T.sockaddr(Self.server), .resolvedPath: T.sockaddr(local)])))
        #expect(connect.fd?.name == "10.0.0.1:40000->93.184.216.34:443")
        #expect(connect.fd?.socket?.local == local)

        let listening = SocketAddress.ipv4(address: 0, port: 8080)
        let accepted = SocketAddress.ipv4(address: 0x7F00_0001, port: 8080)
        let peer = SocketAddress.ipv4(address: 0x7F00_0001, port: 50000)
        T.run(decoder, [
            T.sys("socket", args: [2, 1, 6], ret: 4),
            T.sys("bind", args: [4, 0, 16], payloads: [.arg(1): T.sockaddr(listening)]),
        ])
        let accept = try #require(decoder.decode(
            T.sys("accept4", args: [4, 0, 0, 0], ret: 7,
                  payloads: [.arg(1): T.sockaddr(peer), .resolvedPath: T.sockaddr(accepted)])))
        #expect(accept.fd?.socket?.server == accepted, "the address the connection arrived at, not the wildcard")
    }

    @Test func bindListenAccept() throws {
        let decoder = T.decoder()
        let local = SocketAddress.ipv4(address: 0x7F00_0001, port: 8080)
        let peer = SocketAddress.ipv4(address: 0x0A00_0005, port: 50000)
        T.run(decoder, [
            T.sys("socket", args: [2, 1, 6], ret: 3),
            T.sys("bind", args: [3, 0, 16], payloads: [.arg(1): T.sockaddr(local)]),
            T.sys("listen", args: [3, 5]),
        ])
        let accept = try #require(decoder.decode(
            T.sys("accept4", args: [3, 0, 0, 0o2000000], ret: 7, payloads: [.arg(1): T.sockaddr(peer)])))
        let fd = try #require(accept.fd)
        #expect(accept.fdNumber == 7)
        #expect(fd.socket?.isServer == true)
        #expect(fd.socket?.client == peer && fd.socket?.server == local)
        #expect(fd.name == "10.0.0.5:50000->127.0.0.1:8080")
        #expect(fd.closeOnExec)
        #expect(decoder.processes.process(1000)?.fds[3]?.socket?.isServer == true)
    }

    @Test func unconnectedSendtoChangesTheName() throws {
        let decoder = T.decoder()
        let dns = SocketAddress.ipv4(address: 0x0808_0808, port: 53)
        T.run(decoder, [T.sys("socket", args: [2, 2, 0], ret: 3)])
        let first = try #require(decoder.decode(
            T.sys("sendto", args: [3, 0, 40, 0, 0, 16], ret: 40, payloads: [.arg(4): T.sockaddr(dns)])))
        #expect(first.fdNameChanged)
        #expect(first.fd?.socket?.connected == false)
        #expect(first.fd?.socket?.server == dns)
        let second = try #require(decoder.decode(
            T.sys("sendto", args: [3, 0, 40, 0, 0, 16], ret: 40, payloads: [.arg(4): T.sockaddr(dns)])))
        #expect(!second.fdNameChanged)
    }

    @Test func dupOfASocketKeepsTheTuple() throws {
        let decoder = T.decoder()
        T.run(decoder, [
            T.sys("socket", args: [2, 1, 0], ret: 3),
            T.sys("connect", args: [3, 0, 16], payloads: [.arg(1): T.sockaddr(Self.server)]),
        ])
        let dup = try #require(decoder.decode(T.sys("dup2", args: [3, 1], ret: 1)))
        #expect(dup.fd?.type == .ipv4)  // the event's fd is oldfd, as the reverse-shell rule expects
        #expect(dup.result == 1)
        #expect(decoder.processes.process(1000)?.fds[1]?.name == "0.0.0.0:0->93.184.216.34:443")
    }

    @Test func socketpairAndPacketSocket() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("socketpair", args: [1, 1, 0, 0], payloads: [.arg(3): T.fdPair(5, 6)])])
        #expect(decoder.processes.process(1000)?.fds[5]?.type == .unix)
        let packet = try #require(decoder.decode(T.sys("socket", args: [17, 3, 0x300], ret: 7)))
        #expect(packet.argument(named: "domain")?.rendered == "AF_PACKET")
        #expect(packet.argument(named: "type")?.rendered == "SOCK_RAW")
    }

    @Test func ipv4MappedPeerMakesAnIPv4Socket() throws {
        let decoder = T.decoder()
        let mapped = SocketAddress.ipv6(address: IPv6Address(high: 0, low: 0xFFFF_A9FE_A9FE), port: 80)
        T.run(decoder, [T.sys("socket", args: [10, 1, 0], ret: 3)])
        let event = try #require(decoder.decode(
            T.sys("connect", args: [3, 0, 28], payloads: [.arg(1): T.sockaddr(mapped)])))
        #expect(event.fd?.type == .ipv4)
        #expect(event.fd?.socket?.server == .ipv4(address: 0xA9FE_A9FE, port: 80))
        #expect(event.fd?.name == "0.0.0.0:0->169.254.169.254:80")
    }

    @Test func preexistingSocketLearnedFromConnect() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(
            T.sys("connect", args: [9, 0, 16], payloads: [.arg(1): T.sockaddr(Self.server)])))
        #expect(event.fd?.type == .ipv4)
        #expect(event.fdNumber == 9)
    }
}
