/// connect/accept/sendto/recvfrom: socket endpoints and `fd.name_changed`.
extension EventDecoder {
    /// A sockaddr payload, with IPv4-mapped IPv6 addresses turned into IPv4 (as Falco does, so
    /// `fd.typechar`, `fd.sip` and `fd.net` see the IPv4 peer).
    static func address(_ raw: RawEvent, argument: Int) -> SocketAddress? {
        address(raw, slot: .arg(argument))
    }

    /// The socket's own address, which the eBPF backend reads from the kernel for connect and
    /// accept (`resolvedPath` slot of those records); nil from other backends.
    static func localAddress(_ raw: RawEvent) -> SocketAddress? {
        address(raw, slot: .resolvedPath)
    }

    private static func address(_ raw: RawEvent, slot: PayloadSlot) -> SocketAddress? {
        guard let address = raw.payload(slot).flatMap(SocketAddress.init(bytes:)) else { return nil }
        if case .ipv6(let v6, let port) = address, let v4 = v6.mappedIPv4 { return .ipv4(address: v4, port: port) }
        return address
    }

    /// Moves an IPv6 socket to IPv4 when it talks to an IPv4-mapped peer.
    static func adoptFamily(of address: SocketAddress, into fd: FdInfo) {
        guard case .ipv4 = address, fd.type == .ipv6 else { return }
        fd.type = .ipv4
        fd.socket?.family = SocketAddress.AF_INET
    }

    func applyConnect(_ raw: RawEvent, _ process: ProcessRecord, _ change: inout StateChange) {
        guard let address = Self.address(raw, argument: 1) else { return }
        let socketFd = socketFdCreatingIfNeeded(process, number: Self.fdValue(raw.args[0]), family: address.family)
        Self.adoptFamily(of: address, into: socketFd)
        if socketFd.socket?.remote != address { change.nameChanged = true }
        socketFd.socket?.remote = address
        if let local = Self.localAddress(raw) { socketFd.socket?.local = local }
        socketFd.socket?.connected = true
        change.fd = socketFd
    }

    func applyAccept(_ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessRecord, _ change: inout StateChange) {
        let known = !raw.flags.contains(.returnValueUnknown)
        let listening = process.fds[Self.fdValue(raw.args[0])]
        let peer = Self.address(raw, argument: 1)
        let family = listening?.socket?.family ?? peer?.family ?? SocketAddress.AF_INET
        let accepted = FdInfo(
            number: known ? raw.returnValue : -1, type: listening?.type ?? Self.socketFdType(family: UInt64(family)),
            path: .empty, nameRaw: .empty,
            socket: SocketInfo(family: family, l4proto: listening?.socket?.l4proto ?? .tcp,
                               local: Self.localAddress(raw) ?? listening?.socket?.local, remote: peer,
                               isServer: true, connected: true))
        accepted.closeOnExec = info.name == "accept4" && raw.args[3] & 0o2000000 != 0
        if let peer { Self.adoptFamily(of: peer, into: accepted) }
        if known { process.fds.set(raw.returnValue, accepted) }
        change.fd = accepted
    }

    func applyDatagram(
        _ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessRecord, addressArgument: Int,
        _ change: inout StateChange
    ) {
        guard let address = Self.address(raw, argument: addressArgument) else { return }
        let socketFd = socketFdCreatingIfNeeded(process, number: Self.fdValue(raw.args[0]), family: address.family)
        Self.adoptFamily(of: address, into: socketFd)
        if socketFd.socket?.connected == true {
            // A connected datagram socket still sends to an address given with the call (the
            // kernel uses it): this event shows that destination; the socket stays connected to
            // its peer. A stream socket ignores it.
            guard socketFd.socket?.l4proto != .tcp, socketFd.socket?.remote != address else { return }
            let elsewhere = socketFd.duplicate(as: socketFd.number)
            elsewhere.socket?.remote = address
            change.nameChanged = true
            change.fd = elsewhere
            return
        }
        if socketFd.socket?.remote != address {
            change.nameChanged = true
            socketFd.socket?.remote = address
        }
        change.fd = socketFd
    }
}
