import Foundation
import Logging

/// A client of the Custom Vision Prediction API v3.0 (`{endpoint}/customvision/v3.0/prediction`).
///
/// Images go up as `multipart/form-data` (field `imageData`, at most 4 MB). The `…WithNoStore` variants do not keep
/// the result and are retried like reads; the storing variants are retried only when the service did not act
/// (429/503, or no connection), since a repeat would store a second prediction.
public struct PredictionClient: Sendable {
    /// The prediction resource endpoint.
    public let endpoint: URL
    let executor: RequestExecutor

    /// Creates a client.
    /// - Parameters:
    ///   - endpoint: the prediction resource endpoint (scheme and host; used verbatim).
    ///   - key: the prediction key, sent as `Prediction-Key`; never logged nor put in errors.
    ///   - configuration: retries, timeouts, TLS verification, clock.
    ///   - transport: the HTTP transport; `nil` creates a ``CurlTransport`` from `configuration`.
    ///   - logger: where requests are logged at debug level (keys redacted); silent by default.
    public init(
        endpoint: URL, key: String, configuration: ClientConfiguration = ClientConfiguration(),
        transport: (any HTTPTransport)? = nil, logger: Logger = .customVisionSilent
    ) {
        self.endpoint = endpoint
        self.executor = RequestExecutor(
            endpoint: endpoint, basePath: "/customvision/v3.0/prediction", keyHeader: "Prediction-Key", key: key,
            configuration: configuration, transport: transport, logger: logger)
    }

    /// ClassifyImage: classifies an image and stores the result.
    public func classifyImage(
        projectId: UUID, publishedName: String, imageData: Data, application: String? = nil
    ) async throws -> ImagePrediction {
        try await image("ClassifyImage", "classify", "image", projectId, publishedName, imageData, application)
    }

    /// ClassifyImageWithNoStore: classifies an image without storing the result.
    public func classifyImageWithNoStore(
        projectId: UUID, publishedName: String, imageData: Data, application: String? = nil
    ) async throws -> ImagePrediction {
        try await image(
            "ClassifyImageWithNoStore", "classify", "image/nostore", projectId, publishedName, imageData, application)
    }

    /// ClassifyImageUrl: classifies the image at a URL and stores the result.
    public func classifyImageUrl(
        projectId: UUID, publishedName: String, imageUrl: ImageUrl, application: String? = nil
    ) async throws -> ImagePrediction {
        try await url("ClassifyImageUrl", "classify", "url", projectId, publishedName, imageUrl, application)
    }

    /// ClassifyImageUrlWithNoStore: classifies the image at a URL without storing the result.
    public func classifyImageUrlWithNoStore(
        projectId: UUID, publishedName: String, imageUrl: ImageUrl, application: String? = nil
    ) async throws -> ImagePrediction {
        try await url(
            "ClassifyImageUrlWithNoStore", "classify", "url/nostore", projectId, publishedName, imageUrl, application)
    }

    /// DetectImage: detects objects in an image and stores the result.
    public func detectImage(
        projectId: UUID, publishedName: String, imageData: Data, application: String? = nil
    ) async throws -> ImagePrediction {
        try await image("DetectImage", "detect", "image", projectId, publishedName, imageData, application)
    }

    /// DetectImageWithNoStore: detects objects in an image without storing the result.
    public func detectImageWithNoStore(
        projectId: UUID, publishedName: String, imageData: Data, application: String? = nil
    ) async throws -> ImagePrediction {
        try await image(
            "DetectImageWithNoStore", "detect", "image/nostore", projectId, publishedName, imageData, application)
    }

    /// DetectImageUrl: detects objects in the image at a URL and stores the result.
    public func detectImageUrl(
        projectId: UUID, publishedName: String, imageUrl: ImageUrl, application: String? = nil
    ) async throws -> ImagePrediction {
        try await url("DetectImageUrl", "detect", "url", projectId, publishedName, imageUrl, application)
    }

    /// DetectImageUrlWithNoStore: detects objects in the image at a URL without storing the result.
    public func detectImageUrlWithNoStore(
        projectId: UUID, publishedName: String, imageUrl: ImageUrl, application: String? = nil
    ) async throws -> ImagePrediction {
        try await url(
            "DetectImageUrlWithNoStore", "detect", "url/nostore", projectId, publishedName, imageUrl, application)
    }

    // MARK: - Shared shapes

    private func operation(
        _ id: String, _ kind: String, _ suffix: String, _ projectId: UUID, _ publishedName: String,
        _ application: String?
    ) -> Operation {
        let path = "/\(Path.uuid(projectId))/\(kind)/iterations/\(Path.segment(publishedName))/\(suffix)"
        var operation = Operation(id, .post, path, safety: suffix.hasSuffix("nostore") ? .idempotent : .unsafe)
        operation.query.add("application", application)
        return operation
    }

    private func image(
        _ id: String, _ kind: String, _ suffix: String, _ projectId: UUID, _ publishedName: String, _ data: Data,
        _ application: String?
    ) async throws -> ImagePrediction {
        var operation = operation(id, kind, suffix, projectId, publishedName, application)
        try operation.require(!data.isEmpty, "the image is empty")
        try operation.require(
            data.count <= ServiceLimits.maxPredictionImageBytes, "the image is \(data.count) bytes; at most 4 MB")
        operation.body = .multipart([ImageUpload(name: "image", data: data).part])
        return try await executor.json(operation)
    }

    private func url(
        _ id: String, _ kind: String, _ suffix: String, _ projectId: UUID, _ publishedName: String,
        _ imageUrl: ImageUrl, _ application: String?
    ) async throws -> ImagePrediction {
        var operation = operation(id, kind, suffix, projectId, publishedName, application)
        operation.body = try RequestExecutor.jsonBody(imageUrl)
        return try await executor.json(operation)
    }
}

/// Printing, dumping or mirroring a client shows its endpoint (any `user:password@` password masked), never its key.
extension PredictionClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PredictionClient(endpoint: \(SecretMasking.mask(endpoint.absoluteString)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["endpoint": SecretMasking.mask(endpoint.absoluteString)], displayStyle: .struct)
    }
}
