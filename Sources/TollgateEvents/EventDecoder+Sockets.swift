/// connect/accept/sendto/recvfrom: socket endpoints and `fd.name_changed`.
extension EventDecoder {
    func applyConnect(_ raw: RawEvent, _ process: ProcessInfo, _ change: inout StateChange) {
        guard let address = raw.payload(.arg(1)).flatMap(SocketAddress.init(bytes:)) else { return }
        let socketFd = socketFdCreatingIfNeeded(process, number: Self.fdValue(raw.args[0]), family: address.family)
        if socketFd.socket?.remote != address { change.nameChanged = true }
        socketFd.socket?.remote = address
        socketFd.socket?.connected = true
        change.fd = socketFd
    }

    func applyAccept(_ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessInfo, _ change: inout StateChange) {
        let known = !raw.flags.contains(.returnValueUnknown)
        let listening = process.fds[Self.fdValue(raw.args[0])]
        let peer = raw.payload(.arg(1)).flatMap(SocketAddress.init(bytes:))
        let family = listening?.socket?.family ?? peer?.family ?? SocketAddress.AF_INET
        let accepted = FdInfo(
            number: known ? raw.returnValue : -1, type: listening?.type ?? Self.socketFdType(family: UInt64(family)),
            path: .empty, nameRaw: .empty,
            socket: SocketInfo(family: family, l4proto: listening?.socket?.l4proto ?? .tcp,
                               local: listening?.socket?.local, remote: peer, isServer: true, connected: true))
        accepted.closeOnExec = info.name == "accept4" && raw.args[3] & 0o2000000 != 0
        if known { process.fds.set(raw.returnValue, accepted) }
        change.fd = accepted
    }

    func applyDatagram(
        _ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessInfo, addressArgument: Int,
        _ change: inout StateChange
    ) {
        guard let address = raw.payload(.arg(addressArgument)).flatMap(SocketAddress.init(bytes:)) else { return }
        let socketFd = socketFdCreatingIfNeeded(process, number: Self.fdValue(raw.args[0]), family: address.family)
        guard socketFd.socket?.connected != true else { return }
        if socketFd.socket?.remote != address {
            change.nameChanged = true
            socketFd.socket?.remote = address
        }
        change.fd = socketFd
    }
}
