import TollgateEvents

/// `fd.*` fields: the fd the event is about, from the fd table.
enum FileDescriptorFields {
    /// Pre-built byte strings for `fd.type` and `fd.typechar` by raw value, so extraction
    /// neither allocates nor searches (`FdType.allCases` builds an array on every use).
    static let typeNames: [ByteString] = table { ByteString($0.name) }
    static let typeChars: [ByteString] = table { ByteString(String($0.typeChar)) }

    static func table(_ make: (FdType) -> ByteString) -> [ByteString] {
        var result = [ByteString](repeating: "", count: 256)
        for type in FdType.allCases { result[Int(type.rawValue)] = make(type) }
        return result
    }
    static let protocolNames: [L4Protocol: ByteString] = [.tcp: "tcp", .udp: "udp", .icmp: "icmp", .raw: "raw"]

    static func typeName(_ type: FdType) -> ByteString { typeNames[Int(type.rawValue)] }

    static func socket(_ event: Event) -> SocketInfo? { event.fd?.socket }

    /// `fd.*` fields by what their value rests on (`ExitDataDependence.FdAspect`); the rest
    /// describe the fd.
    static let numberFields: Set<String> = ["fd.num", "fd.uid"]
    static let peerFields: Set<String> = ["fd.type", "fd.typechar", "fd.sip", "fd.rip", "fd.sport", "fd.rport",
                                          "fd.snet", "fd.rnet", "fd.sockfamily", "fd.connected", "fd.name_changed"]

    static let all: [FieldDefinition] = definitions.map { field in
        if case .notCaptured = field.status { return field }
        let aspect: ExitDataDependence.FdAspect = numberFields.contains(field.name) ? .number
            : peerFields.contains(field.name) ? .peer : .description
        return field.needing(.fd(aspect))
    }

    static let definitions: [FieldDefinition] = [
        FieldDefinition("fd.num", .int64, "the unique number identifying the file descriptor.", .integer { $0.fdNumber }),
        FieldDefinition("fd.type", .charbuf, "type of FD (file, directory, ipv4, ipv6, unix, pipe, ...).", .string { event in event.fd.map { typeName($0.type) } }),
        FieldDefinition("fd.typechar", .charbuf, "type of FD as a single character.",
                        .string { event in event.fd.map { typeChars[Int($0.type.rawValue)] } }),
        // Files read the stored path directly; only sockets build their tuple name.
        FieldDefinition("fd.name", .charbuf, "FD full name: the path of files, cip:cport->sip:sport for IP sockets.",
                        .string { event in event.fd.flatMap { $0.type.isSocket ? $0.name : $0.path } }),
        FieldDefinition("fd.nameraw", .charbuf, "FD full name raw: the path as the process passed it.", .string { $0.fd?.nameRaw }),
        FieldDefinition("fd.directory", .charbuf, "If the fd is a file, the directory that contains it.", .string { $0.fd?.directory }),
        FieldDefinition("fd.filename", .charbuf, "If the fd is a file, the filename without the path.", .string { $0.fd?.filename }),
        FieldDefinition("fd.ip", .ipaddr, "matches the ip address (client or server) of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .anyAddress { event in clientAndServer(event) }),
        FieldDefinition("fd.cip", .ipaddr, "client IP address.", .address { event in IPAddressValue(socket(event)?.client) }),
        FieldDefinition("fd.sip", .ipaddr, "server IP address.", .address { event in IPAddressValue(socket(event)?.server) }),
        FieldDefinition("fd.lip", .ipaddr, "local IP address.", .address { event in IPAddressValue(socket(event)?.local) }),
        FieldDefinition("fd.rip", .ipaddr, "remote IP address.", .address { event in IPAddressValue(socket(event)?.remote) }),
        FieldDefinition("fd.port", .port, "matches the port (either client or server) of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .anyInteger { event in [socket(event)?.client?.port, socket(event)?.server?.port].compactMap { $0.map { Int64($0) } } }),
        FieldDefinition("fd.cport", .port, "for TCP/UDP FDs, the client port.", .integer { event in socket(event)?.client?.port.map { Int64($0) } }),
        FieldDefinition("fd.sport", .port, "for TCP/UDP FDs, server port.", .integer { event in socket(event)?.server?.port.map { Int64($0) } }),
        FieldDefinition("fd.lport", .port, "for TCP/UDP FDs, the local port.", .integer { event in socket(event)?.local?.port.map { Int64($0) } }),
        FieldDefinition("fd.rport", .port, "for TCP/UDP FDs, the remote port.", .integer { event in socket(event)?.remote?.port.map { Int64($0) } }),
        FieldDefinition("fd.l4proto", .charbuf, "the IP protocol of a socket (tcp, udp, icmp, raw).",
                        .string { event in socket(event).flatMap { protocolNames[$0.l4proto] } }),
        FieldDefinition("fd.sockfamily", .charbuf, "the socket family for socket events: 'ip' or 'unix'.", .string { event in
            switch socket(event)?.family {
            case SocketAddress.AF_INET?, SocketAddress.AF_INET6?: return "ip"
            case SocketAddress.AF_UNIX?: return "unix"
            default: return nil
            }
        }),
        FieldDefinition("fd.is_server", .bool, "'true' if the process owning this FD is the server endpoint in the connection.", .bool { socket($0)?.isServer }),
        FieldDefinition("fd.uid", .charbuf, "a unique identifier for the FD, created by chaining the FD number and the thread ID.",
                        .string { event in event.fdNumber.map { ByteString("\($0)\(event.thread.tid)") } }),
        FieldDefinition("fd.containername", .charbuf, "chaining of the container ID and the FD name.",
                        .string { event in event.fd?.name.map { event.process.containerIDBytes + $0 } }),
        FieldDefinition("fd.containerdirectory", .charbuf, "chaining of the container ID and the directory name.",
                        .string { event in event.fd?.directory.map { event.process.containerIDBytes + $0 } }),
        FieldDefinition("fd.net", .ipnet, "matches the IP network (client or server) of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .anyAddress { event in clientAndServer(event) }),
        FieldDefinition("fd.cnet", .ipnet, "matches the client IP network of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .address { event in IPAddressValue(socket(event)?.client) }),
        FieldDefinition("fd.snet", .ipnet, "matches the server IP network of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .address { event in IPAddressValue(socket(event)?.server) }),
        FieldDefinition("fd.lnet", .ipnet, "matches the local IP network of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .address { event in IPAddressValue(socket(event)?.local) }),
        FieldDefinition("fd.rnet", .ipnet, "matches the remote IP network of the fd.", flags: [.filterOnly, .noRightHandSide, .noTransformer],
                        .address { event in IPAddressValue(socket(event)?.remote) }),
        FieldDefinition("fd.connected", .bool, "for TCP/UDP FDs, 'true' if the socket is connected.", .bool { socket($0)?.connected }),
        FieldDefinition("fd.name_changed", .bool, "True when an event changes the name of an fd used by this event.", .bool { $0.fdNameChanged }),
        FieldDefinition("fd.types", .charbuf, "List of FD types in use by the process (fd.types[n]: the type of fd n).",
                        argument: .allowed, flags: .noRightHandSide, bind: { argument throws(FieldBindError) in
            guard let argument else {
                return .stringList { event in
                    var seen: [ByteString] = []
                    for fd in event.process.fds.all where !seen.contains(typeName(fd.type)) { seen.append(typeName(fd.type)) }
                    return seen
                }
            }
            guard let number = Int64(argument) else { throw FieldBindError(message: "field 'fd.types' needs an fd number, not '\(argument)'") }
            return .stringList { event in event.process.fds[number].map { [typeName($0.type)] } }
        }),
        .notCaptured("fd.cip.name", .charbuf, "Domain name associated with the client IP address.", reason: "DNS names are not resolved"),
        .notCaptured("fd.sip.name", .charbuf, "Domain name associated with the server IP address.", reason: "DNS names are not resolved"),
        .notCaptured("fd.lip.name", .charbuf, "Domain name associated with the local IP address.", reason: "DNS names are not resolved"),
        .notCaptured("fd.rip.name", .charbuf, "Domain name associated with the remote IP address.", reason: "DNS names are not resolved"),
        .unsupported("fd.proto", .port, "matches the protocol (either client or server) of the fd.", reason: "service names are not resolved"),
        .unsupported("fd.cproto", .charbuf, "for TCP/UDP FDs, the client protocol.", reason: "service names are not resolved"),
        .unsupported("fd.sproto", .charbuf, "for TCP/UDP FDs, server protocol.", reason: "service names are not resolved"),
        .unsupported("fd.lproto", .charbuf, "for TCP/UDP FDs, the local protocol.", reason: "service names are not resolved"),
        .unsupported("fd.rproto", .charbuf, "for TCP/UDP FDs, the remote protocol.", reason: "service names are not resolved"),
        .unsupported("fd.dev", .int32, "device number (major/minor) containing the referenced file.", reason: "device numbers are not recorded"),
        .unsupported("fd.dev.major", .int32, "major device number containing the referenced file.", reason: "device numbers are not recorded"),
        .unsupported("fd.dev.minor", .int32, "minor device number containing the referenced file.", reason: "device numbers are not recorded"),
        .unsupported("fd.ino", .int64, "inode number of the referenced file.", reason: "inode numbers are not recorded"),
        .unsupported("fd.is_upper_layer", .bool, "'true' if the fd is of a file in the upper layer of an overlayfs.", reason: "overlayfs layers of files are not recorded"),
        .unsupported("fd.is_lower_layer", .bool, "'true' if the fd is of a file in the lower layer of an overlayfs.", reason: "overlayfs layers of files are not recorded"),
    ]

    static func clientAndServer(_ event: Event) -> (IPAddressValue?, IPAddressValue?) {
        guard let socket = socket(event) else { return (nil, nil) }
        return (IPAddressValue(socket.client), IPAddressValue(socket.server))
    }
}
