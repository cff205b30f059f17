import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Builds the cvserver application for `configuration`: the router of every Training and Prediction operation
/// behind the front responder (versions, keys, tier, faults).
/// - Parameters:
///   - configuration: where to listen and store, keys and test knobs.
///   - onServerRunning: called with the bound port once the server listens (useful with port 0).
/// - Returns: the application, ready for `run()`/`runService()` or `test(.router)`.
/// - Throws: when the data directory cannot be opened.
public func buildApplication(
    configuration: ServerConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let server = try ServerContext(configuration: configuration)
    var logger = Logger(label: "cvserver")
    logger.logLevel = .warning
    for problem in server.store.startupReport { logger.warning("startup check: \(problem)") }
    let router = buildRouter(server)
    let responder = FrontResponder(
        inner: router.buildResponder(), configuration: configuration,
        limiter: RateLimiter(transactionsPerSecond: configuration.tier.transactionsPerSecond),
        faults: configuration.faults.map(FaultInjector.init))
    return Application(
        responder: responder,
        server: .cvserver(
            idleTimeout: configuration.idleTimeout.map(TimeAmount.init),
            requestTimeout: configuration.requestTimeout.map(TimeAmount.init),
            lingerBytes: configuration.maxBodySize),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router of every operation, on the canonical paths `/training/…` and `/prediction/…`.
func buildRouter(_ server: ServerContext) -> Router<BasicRequestContext> {
    let router = Router()
    let training = router.group("training")
    ProjectsController(server: server).register(training)
    TagsController(server: server).register(training)
    ImagesController(server: server).register(training)
    ImageQueriesController(server: server).register(training)
    RegionsController(server: server).register(training)
    IterationsController(server: server).register(training)
    PerformanceController(server: server).register(training)
    SuggestionsController(server: server).register(training)
    ExportsController(server: server).register(training)
    ProjectTransferController(server: server).register(training)
    PredictionsController(server: server).register(router)
    ImageFilesController(server: server).register(router)
    return router
}

/// A cvserver running in this process (tests, embedding): its port and a way to stop it.
public final class RunningServer: Sendable {
    /// The bound port.
    public let port: Int
    /// The configuration, with the keys in use.
    public let configuration: ServerConfiguration
    private let task: Task<Void, any Error>

    private init(port: Int, configuration: ServerConfiguration, task: Task<Void, any Error>) {
        self.port = port
        self.configuration = configuration
        self.task = task
    }

    /// `http://host:port`.
    public var endpoint: String { "http://\(configuration.host):\(port)" }

    /// Starts a server and returns once it listens.
    public static func start(_ configuration: ServerConfiguration) async throws -> RunningServer {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(configuration: configuration) { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw StoreError("server did not start") }
        return RunningServer(port: port, configuration: configuration, task: task)
    }

    /// Stops the server.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
