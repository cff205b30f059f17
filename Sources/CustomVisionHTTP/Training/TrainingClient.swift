import Foundation
import Logging

/// A client of the Custom Vision Training API v3.3 (`{endpoint}/customvision/v3.3/training`).
///
/// One `async throws` method per operation of the specification, named after its operationId
/// (`CreateProject` → ``createProject(name:description:domainId:classificationType:targetExportPlatforms:)``),
/// labelled with the specification's parameter names; optional parameters default to `nil` (the service's default).
/// Every method throws ``CustomVisionClientError`` on failure and `CancellationError` when its task is cancelled.
/// Batch operations answered with 207 (partial success) return their summary: check its per-item statuses.
///
/// ```swift
/// let client = TrainingClient(endpoint: URL(string: "https://westus2.api.cognitive.microsoft.com")!, key: key)
/// let project = try await client.createProject(name: "parts", domainId: domainID)
/// let iteration = try await client.trainProject(projectId: project.id)
/// let done = try await client.waitForIteration(projectId: project.id, iterationId: iteration.id)
/// ```
public struct TrainingClient: Sendable {
    /// The resource endpoint, e.g. `https://westus2.api.cognitive.microsoft.com`.
    public let endpoint: URL
    let executor: RequestExecutor

    /// Creates a client.
    /// - Parameters:
    ///   - endpoint: the Custom Vision resource endpoint (scheme and host; used verbatim).
    ///   - key: the training key, sent as `Training-Key`; never logged nor put in errors.
    ///   - configuration: retries, timeouts, TLS verification, clock.
    ///   - transport: the HTTP transport; `nil` creates a ``CurlTransport`` from `configuration`.
    ///   - logger: where requests are logged at debug level (keys redacted); silent by default.
    public init(
        endpoint: URL, key: String, configuration: ClientConfiguration = ClientConfiguration(),
        transport: (any HTTPTransport)? = nil, logger: Logger = .customVisionSilent
    ) {
        self.endpoint = endpoint
        self.executor = RequestExecutor(
            endpoint: endpoint, basePath: "/customvision/v3.3/training", keyHeader: "Training-Key", key: key,
            configuration: configuration, transport: transport, logger: logger)
    }

    /// The clock retries and waiters sleep on.
    var clock: any Clock<Duration> { executor.configuration.clock }

    static func project(_ projectId: UUID) -> String { "/projects/\(Path.uuid(projectId))" }

    static func iteration(_ projectId: UUID, _ iterationId: UUID) -> String {
        "/projects/\(Path.uuid(projectId))/iterations/\(Path.uuid(iterationId))"
    }
}

extension Logger {
    /// A logger that drops everything: the clients' default.
    public static var customVisionSilent: Logger {
        Logger(label: "CustomVisionHTTP", factory: { _ in SwiftLogNoOpLogHandler() })
    }
}

/// Printing, dumping or mirroring a client shows its endpoint (any `user:password@` password masked), never its key.
extension TrainingClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TrainingClient(endpoint: \(SecretMasking.mask(endpoint.absoluteString)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["endpoint": SecretMasking.mask(endpoint.absoluteString)], displayStyle: .struct)
    }
}
