import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Asks the engine about one container (`GET /containers/<id>/json`) on a connection of its
/// own: what the daemon made of the create request (image id, name, privileges).
enum EngineInspector {
    /// What the engine says of the container, or nil when it could not be asked.
    static func inspect(id: String, upstream: String, on loop: EventLoop) -> EventLoopFuture<EngineRequest.ContainerFacts?> {
        let promise = loop.makePromise(of: EngineRequest.ContainerFacts?.self)
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHTTPClientHandlers()
                    try operations.addHandler(Collector(promise: promise))
                }
            }
            .connect(unixDomainSocketPath: upstream)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/containers/\(id)/json",
                                               headers: ["Host": "engine", "Connection": "close"])
                    channel.write(HTTPClientRequestPart.head(head), promise: nil)
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                case .failure:
                    promise.succeed(nil)
                }
            }
        return promise.futureResult
    }

    /// Gathers one response's body and answers with it as a JSON object.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        private let promise: EventLoopPromise<EngineRequest.ContainerFacts?>
        private var body = ByteBuffer()
        private var status: UInt = 0
        private var answered = false

        init(promise: EventLoopPromise<EngineRequest.ContainerFacts?>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): status = head.status.code
            case .body(var part): if body.readableBytes < 4 << 20 { body.writeBuffer(&part) }
            case .end:
                let object = status == 200 ? (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] : nil
                answer(object.map(EngineRequest.facts(inspection:)))
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answer(nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            answer(nil)
            context.close(promise: nil)
        }

        private func answer(_ value: EngineRequest.ContainerFacts?) {
            guard !answered else { return }
            answered = true
            promise.succeed(value)
        }
    }
}
