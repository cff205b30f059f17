import Hummingbird
import NIOCore

/// The context of a request at the front door (``FrontResponder``): the router's basic context, plus the local end
/// of the connection the request came on.
///
/// A request that names no host (HTTP/1.0 without `Host`) still gets image URLs that reach this server: the front
/// door gives it the address and port the client connected to.
struct FrontContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The context the router's handlers get.
    let routed: BasicRequestContext
    /// `host:port` of the connection's local end (an IPv6 address in brackets); `nil` when unknown (router tests).
    let localAuthority: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        routed = BasicRequestContext(source: source)
        localAuthority = source.channel.localAddress.flatMap(Self.authority)
    }

    /// `address` as a URL authority.
    static func authority(_ address: SocketAddress) -> String? {
        guard let ip = address.ipAddress, let port = address.port else { return nil }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
