import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A server child channel that starts TLS with the reloader's current context: like HummingbirdTLS's `TLSChannel`, but
/// each accepted connection takes the material in use at that moment, so renewed certificates apply without a restart.
struct ReloadingTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    /// The HTTP channel under TLS.
    var baseChannel: BaseChannel
    /// Where the server context comes from.
    let reloader: TLSReloader

    /// Adds the TLS handler with the current context, then the base channel's handlers.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            guard let context = reloader.serverContext else {
                throw ServiceKitError.unreadableTLSMaterial(path: reloader.files.summary, reason: "no server context")
            }
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            baseChannel.setup(channel: channel, logger: logger)
        }
    }

    /// Handles the base channel's values.
    func handle(value: BaseChannel.Value, logger: Logger) async {
        await baseChannel.handle(value: value, logger: logger)
    }
}

extension ReloadingTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { baseChannel.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS whose material follows `reloader`.
    static func http1(reloadingTLS reloader: TLSReloader) -> HTTPServerBuilder {
        .init { responder in ReloadingTLSChannel(baseChannel: HTTP1Channel(responder: responder), reloader: reloader) }
    }
}
