import CustomVisionCore
import Foundation
import HTTPTypes
import Synchronization

/// What every controller shares: configuration, storage, the URL signer, the URL fetcher, loaded models, scored
/// suggestions and the pixel budget of image decodes.
struct ServerContext: Sendable {
    let configuration: ServerConfiguration
    let store: ServerStore
    let signer: URLSigner
    let fetcher: URLFetcher
    let models: ModelCache
    let renditions = Renditions()
    let suggestions = SuggestionCache()
    let pixelBudget: PixelBudget

    init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        store = try ServerStore(directory: configuration.inMemory ? nil : configuration.dataDirectory)
        signer = URLSigner(secret: Array("cvserver-images:\(configuration.trainingKey)".utf8))
        fetcher = URLFetcher(allowLocal: configuration.allowLocalURLs)
        models = ModelCache(backend: configuration.modelBackend, blobs: store.blobs)
        pixelBudget = PixelBudget(limit: configuration.pixelBudget)
    }
}

/// Models loaded from their blobs, by digest.
final class ModelCache: Sendable {
    private let backend: any ModelBackend
    private let blobs: BlobStore
    private let cache = Mutex<[String: any ServedModel]>([:])

    init(backend: any ModelBackend, blobs: BlobStore) {
        self.backend = backend
        self.blobs = blobs
    }

    func remember(_ model: any ServedModel, digest: String) { cache.withLock { $0[digest] = model } }

    /// The model stored under `digest`.
    func model(_ digest: String) throws -> any ServedModel {
        if let model = cache.withLock({ $0[digest] }) { return model }
        guard let bytes = blobs.get(digest) else {
            throw APIError(.internalServerError, .errorPredictionModelNotFound, "The model file is missing.")
        }
        let model = try backend.load(Data(bytes))
        remember(model, digest: digest)
        return model
    }
}

/// Signs and checks expiring image URLs (HMAC-SHA-256 over kind, digest and expiry).
struct URLSigner: Sendable {
    private let hmac: SHA256.HMAC
    var lifetime: TimeInterval = 24 * 3600

    /// A signer with the key `secret`.
    init(secret: [UInt8]) { hmac = SHA256.HMAC(key: secret) }

    /// A signed URL for an image blob.
    func url(base: String, kind: String, digest: String, now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        return "\(base)/cvimages/\(kind)/\(digest)?se=\(expiry)&sig=\(signature(kind, digest, expiry))"
    }

    func signature(_ kind: String, _ digest: String, _ expiry: Int) -> String {
        hmac.authenticationCode(for: "\(kind)/\(digest)/\(expiry)".utf8).hexString
    }

    /// Whether `sig` is valid and unexpired.
    func verify(kind: String, digest: String, expiry: Int, sig: String, now: Date = Date()) -> Bool {
        guard Double(expiry) >= now.timeIntervalSince1970 else { return false }
        return constantTimeEquals(Array(signature(kind, digest, expiry).utf8), Array(sig.utf8))
    }
}
