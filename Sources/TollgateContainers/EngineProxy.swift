import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A Docker Engine API proxy on a unix socket of the gate's, handed to the job as its
/// `DOCKER_HOST`: it passes every request to the real engine socket, with two changes that put
/// the job's containers where the gate follows them: `HostConfig.CgroupParent` of a
/// `POST /containers/create` and `cgroupparent` of a `POST /build` are set to the run's
/// cgroup. Upgraded (hijacked) streams (attach, `docker run -i`, exec), chunked bodies and
/// keep-alive pass untouched. What it cannot place (swarm services, plugins, BuildKit, programs
/// run in containers the job did not create) is noted in `activity` as unseen.
public final class EngineProxy: @unchecked Sendable {
    /// The socket the job talks to.
    public let socketPath: String
    /// What the job asked of the engine.
    public let activity: EngineActivity
    private let group: MultiThreadedEventLoopGroup
    private let server: Channel
    private let folder: String

    /// Why the proxy could not start.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Listens on a new socket in a private folder and forwards to `upstream`; the cgroup
    /// parent given to containers is `cgroupParent` (nil: none, every container the job
    /// creates is then noted as unseen: the backend cannot follow it). The socket gets the
    /// owner, group and mode of `upstream`, so the job reaches it exactly when it could reach
    /// the engine.
    public init(upstream: String, cgroupParent: String?) throws(Failure) {
        var template = Array("/tmp/tollgate-engine.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "cannot create the engine proxy's folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        chmod(folder, 0o711)
        let socketPath = folder + "/engine.sock"
        let activity = EngineActivity()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.folder = folder
        self.socketPath = socketPath
        self.activity = activity
        self.group = group
        let settings = Settings(upstream: upstream, cgroupParent: cgroupParent, activity: activity)
        do {
            server = try ServerBootstrap(group: group)
                .childChannelOption(.autoRead, value: false)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
                        try operations.addHandler(HTTPResponseEncoder())
                        try operations.addHandler(ClientSide(settings))
                    }
                }
                .bind(unixDomainSocketPath: socketPath).wait()
        } catch {
            try? group.syncShutdownGracefully()
            rmdir(folder)
            throw Failure(description: "cannot listen on '\(socketPath)': \(error)")
        }
        var status = stat()
        if stat(upstream, &status) == 0 {
            chown(socketPath, status.st_uid, status.st_gid)
            chmod(socketPath, status.st_mode & 0o777)
        } else {
            chmod(socketPath, 0o600)
        }
    }

    /// Stops listening, closes every connection and removes the socket.
    public func stop() {
        try? server.close().wait()
        try? group.syncShutdownGracefully()
        unlink(socketPath)
        rmdir(folder)
    }

    /// What every connection needs to know.
    struct Settings: Sendable {
        let upstream: String
        let cgroupParent: String?
        let activity: EngineActivity
    }
}

/// What a response the engine has yet to send answers.
private enum Expectation {
    case plain
    /// A create: its body holds the new container's id.
    case create(index: Int)
    /// A request asking to upgrade the connection: a 101 turns both ways into raw streams.
    case upgrade
}

/// The job's side of one connection: parsed requests, relayed (and rewritten) to the engine.
private final class ClientSide: PartnerFollowing, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let settings: EngineProxy.Settings
    private var daemon: Channel?
    private var expectations: [Expectation] = []
    /// The create request being buffered (its head and body so far).
    private var pendingCreate: (head: HTTPRequestHead, body: ByteBuffer)?
    /// The request being read asks for an upgrade.
    private var upgrading = false
    /// An upgrade request was sent whole: no request may follow on this connection.
    private var upgradeSent = false
    private static let createBodyLimit = 4 << 20

    init(_ settings: EngineProxy.Settings) {
        self.settings = settings
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        let loop = context.eventLoop
        let settings = settings
        let bound = NIOLoopBound(self, eventLoop: loop)
        ClientBootstrap(group: loop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    // Framing as the job sent it: a bodiless upgrade request must not gain a
                    // chunked terminator that the engine would pass to the container's stdin.
                    var framing = HTTPRequestEncoder.Configuration()
                    framing.automaticallySetFramingHeaders = false
                    try operations.addHandler(HTTPRequestEncoder(configuration: framing))
                    try operations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)))
                    try operations.addHandler(DaemonSide(client: client, owner: bound, settings: settings))
                }
            }
            .connect(unixDomainSocketPath: settings.upstream)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let daemon):
                    bound.value.daemon = daemon
                    client.setOption(.autoRead, value: true).whenComplete { _ in client.read() }
                case .failure:
                    client.close(promise: nil)
                }
            }
        context.fireChannelActive()
    }

    var partner: Channel? { daemon }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let daemon, !upgradeSent else {
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(var head):
            guard let request = EngineRequest(method: head.method.rawValue, uri: head.uri) else {
                return refuse(context, "the request target '\(head.uri)' is not a path")
            }
            upgrading = Self.asksUpgrade(head)
            var expectation = Expectation.plain
            switch request {
            case .createContainer:
                pendingCreate = (head, context.channel.allocator.buffer(capacity: 0))
                return
            case .build:
                if EngineRequest.queryValue("version", in: head.uri) == "2" {
                    settings.activity.noteUnseen("a BuildKit build (POST /build?version=2): BuildKit does not place its RUN steps in the run's cgroup, so they are not followed")
                } else if settings.cgroupParent == nil {
                    settings.activity.noteUnseen("a build (POST /build): its RUN steps run in containers that this backend cannot follow")
                }
                if EngineRequest.buildReadsFormBody(contentType: head.headers.first(name: "content-type")) {
                    return refuse(context, "a build whose parameters come in a form body cannot be placed in the run's cgroup")
                }
                if let parent = settings.cgroupParent { head.uri = EngineRequest.placingBuild(uri: head.uri, in: parent) }
            case .enterContainer(let reference):
                // The run's own containers are placed (or, without a cgroup, already noted).
                if !settings.activity.isOwn(reference) {
                    settings.activity.noteUnseen("a program run in container '\(reference)', which this run did not create: not followed")
                }
            case .unplaceable(let what):
                settings.activity.noteUnseen("\(what): programs the engine runs for it are not followed")
            case .fileTransfer(let reference):
                if let own = settings.activity.own(reference), own.facts.hostPaths.isEmpty {
                    break
                }
                settings.activity.noteUnseen("files the engine copied out of or into container '\(reference)' (docker cp, export), which this run did not create or which mounts host folders: not followed")
            case .changeContainer(let reference, let what):
                settings.activity.noteUnseen("container '\(reference)' changed through the engine (\(what)): not followed")
            case .other:
                break
            }
            if upgrading { expectation = .upgrade }
            expectations.append(expectation)
            // The decoder has undone the job's framing: the body is framed again the one way
            // both ends read alike (a transfer coding other than plain chunked is not passed on).
            if head.headers.contains(name: "transfer-encoding") {
                head.headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
                head.headers.remove(name: "content-length")
            }
            daemon.write(HTTPClientRequestPart.head(head), promise: nil)
        case .body(let part):
            if pendingCreate != nil {
                pendingCreate!.body.writeImmutableBuffer(part)
                if pendingCreate!.body.readableBytes > Self.createBodyLimit {
                    refuse(context, "the container's configuration is larger than \(Self.createBodyLimit) bytes")
                }
                return
            }
            daemon.write(HTTPClientRequestPart.body(.byteBuffer(part)), promise: nil)
        case .end(let trailers):
            upgradeSent = upgrading
            if let pending = pendingCreate {
                pendingCreate = nil
                return forwardCreate(context, daemon: daemon, head: pending.head, body: pending.body)
            }
            daemon.write(HTTPClientRequestPart.end(trailers), promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        daemon?.flush()
        context.fireChannelReadComplete()
    }

    /// Sends a create with its configuration placed in the run's cgroup.
    private func forwardCreate(_ context: ChannelHandlerContext, daemon: Channel, head: HTTPRequestHead, body: ByteBuffer) {
        let name = EngineRequest.queryValue("name", in: head.uri)
        do {
            let placed = try EngineRequest.placing(createBody: Array(body.readableBytesView), in: settings.cgroupParent, name: name)
            let index = settings.activity.creating(placed.facts)
            if settings.cgroupParent == nil {
                settings.activity.noteUnseen("a container created through the engine (image '\(placed.facts.image ?? "?")'): this backend follows descendants of the job only, and the engine's containers are not")
            }
            var head = head
            head.headers.remove(name: "transfer-encoding")
            head.headers.replaceOrAdd(name: "content-length", value: String(placed.body.count))
            expectations.append(upgrading ? .upgrade : .create(index: index))
            daemon.write(HTTPClientRequestPart.head(head), promise: nil)
            daemon.write(HTTPClientRequestPart.body(.byteBuffer(context.channel.allocator.buffer(bytes: placed.body))), promise: nil)
            daemon.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        } catch {
            refuse(context, error.description)
        }
    }

    /// Answers 400 with `reason` and closes the connection: the request is never sent.
    private func refuse(_ context: ChannelHandlerContext, _ reason: String) {
        pendingCreate = nil
        let message = "{\"message\":\(Self.jsonString("tollgate: " + reason))}\n"
        var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(message.utf8.count)),
                                   ("connection", "close")])
        headers.add(name: "x-tollgate", value: "refused")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: message)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        daemon?.close(promise: nil)
    }

    private static func jsonString(_ text: String) -> String {
        (try? String(decoding: JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast()).map(String.init) ?? "\"\""
    }

    /// Whether a request asks to upgrade its connection, as the request decoder (llhttp) sees
    /// it: `Connection: upgrade` with an `Upgrade` header, or CONNECT.
    static func asksUpgrade(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return true }
        let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
        return connection.contains("upgrade") && head.headers.contains(name: "upgrade")
    }

    /// The next response's expectation.
    func nextExpectation() -> Expectation {
        expectations.isEmpty ? .plain : expectations.removeFirst()
    }
}

/// The engine's side of one connection: responses relayed to the job; a 101 to an upgrade
/// request turns both ways into raw byte streams.
private final class DaemonSide: PartnerFollowing, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let client: Channel
    private let owner: NIOLoopBound<ClientSide>
    private var current = Expectation.plain
    private var switching = false
    private var closeAfter = false
    private var createBody: ByteBuffer?
    private var createStatus: UInt = 0
    /// Responses kept back while a created container is inspected (nil: none is), in order.
    private var held: [HTTPServerResponsePart]?
    private let settings: EngineProxy.Settings

    init(client: Channel, owner: NIOLoopBound<ClientSide>, settings: EngineProxy.Settings) {
        self.client = client
        self.owner = owner
        self.settings = settings
    }

    /// Writes a response part to the job, after any that are held.
    private func relay(_ part: HTTPServerResponsePart) {
        if held != nil { held!.append(part) } else { client.write(part, promise: nil) }
    }

    var partner: Channel? { client }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            current = owner.value.nextExpectation()
            switch current {
            case .upgrade:
                if head.status == .switchingProtocols, held == nil { switching = true } else { closeAfter = true }
            case .create:
                createBody = context.channel.allocator.buffer(capacity: 256)
                createStatus = head.status.code
            case .plain:
                // An upgrade the job did not ask for: the two sides would disagree on the stream.
                if head.status == .switchingProtocols {
                    context.close(promise: nil)
                    return
                }
            }
            if case .create = current, held == nil { held = [] }
            relay(.head(head))
        case .body(let part):
            if createBody != nil, createBody!.readableBytes < 1 << 20 { createBody!.writeImmutableBuffer(part) }
            relay(.body(.byteBuffer(part)))
        case .end(let trailers):
            if case .create(let index) = current {
                relay(.end(trailers))
                current = .plain
                return inspect(index, context: context)
            }
            if held != nil { return relay(.end(trailers)) }
            let written = client.writeAndFlush(HTTPServerResponsePart.end(trailers))
            if switching {
                switchToRaw(context)
            } else if closeAfter {
                written.whenComplete { [client] _ in client.close(promise: nil) }
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        client.flush()
        context.fireChannelReadComplete()
    }

    /// Learns the id of the container a create made from the response held back, asks the
    /// engine about it, tells the activity, and only then lets the job have the response.
    private func inspect(_ index: Int, context: ChannelHandlerContext) {
        let body = createBody
        createBody = nil
        guard createStatus == 201, let body,
              let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let id = object["Id"] as? String else { return release() }
        let activity = settings.activity
        EngineInspector.inspect(id: id, upstream: settings.upstream, on: context.eventLoop).assumeIsolated().whenComplete { result in
            activity.created(index, id: id, inspection: (try? result.get()) ?? nil)
            self.release()
        }
    }

    /// Sends what was held back, in order.
    private func release() {
        let parts = held ?? []
        held = nil
        for part in parts { client.write(part, promise: nil) }
        client.flush()
    }

    /// Both pipelines lose their HTTP handlers; what the decoders held is forwarded raw.
    private func switchToRaw(_ context: ChannelHandlerContext) {
        let daemon = context.channel
        do {
            let clientPipeline = client.pipeline.syncOperations
            let daemonPipeline = daemon.pipeline.syncOperations
            try clientPipeline.removeHandler(clientPipeline.handler(type: HTTPResponseEncoder.self))
            try daemonPipeline.removeHandler(daemonPipeline.handler(type: HTTPRequestEncoder.self))
            try daemonPipeline.addHandler(RawRelay(peer: client))
            try daemonPipeline.removeHandler(self)
            try daemonPipeline.removeHandler(daemonPipeline.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self))
            try clientPipeline.addHandler(RawRelay(peer: daemon))
            try clientPipeline.removeHandler(owner.value)
            try clientPipeline.removeHandler(clientPipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self))
            client.flush()
            daemon.flush()
        } catch {
            client.close(promise: nil)
            daemon.close(promise: nil)
        }
    }
}

/// One way of an upgraded connection: bytes as they come, half-closes passed on.
private final class RawRelay: PartnerFollowing, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let peer: Channel

    init(peer: Channel) {
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.write(unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        peer.flush()
        context.fireChannelReadComplete()
    }

    var partner: Channel? { peer }
}

/// A handler of one side of a proxied connection: what ends one side ends the other (a
/// half-close passes on as a half-close; an error the decoder raises, such as a request it
/// cannot read, closes both).
private protocol PartnerFollowing: ChannelInboundHandler {
    /// The other side's channel, once connected.
    var partner: Channel? { get }
}

extension PartnerFollowing {
    func channelInactive(context: ChannelHandlerContext) {
        partner?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        partner?.close(promise: nil)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            partner?.close(mode: .output, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
