import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// How a `cvserver` instance is set up: where it listens, where it keeps its data, its keys and its test knobs.
public struct ServerConfiguration: Sendable {
    /// The address to bind; loopback by default.
    public var host: String
    /// The port to bind; 0 picks an ephemeral port (see ``RunningServer/port``).
    public var port: Int
    /// The directory holding `metadata.sqlite` and the image blobs; ignored when ``inMemory`` is set.
    public var dataDirectory: URL?
    /// Keep everything in memory (tests); nothing survives the process.
    public var inMemory: Bool
    /// The key training routes accept.
    public var trainingKey: String
    /// The key prediction routes accept.
    public var predictionKey: String
    /// Let URL imports and `/url` predictions reach loopback and private addresses.
    public var allowLocalURLs: Bool
    /// Injected failures for client testing; `nil` for none.
    public var faults: FaultConfiguration?
    /// The pricing tier whose quotas are enforced; unlimited by default (F0 and S0 are opt-in emulations).
    public var tier: ServiceTier
    /// The largest request body read, in bytes; larger bodies get 413 before they are read in full.
    public var maxBodySize: Int
    /// Serve prediction routes only (the exported Docker image's mode).
    public var predictionOnly: Bool
    /// How models are trained and loaded; the real trainer by default.
    public var modelBackend: any ModelBackend
    /// Extra time before every API response, emulating the round trip to a cloud region (zero by default): lets
    /// benchmarks and client tests see what concurrency buys against the real service.
    public var latency: Duration = .zero
    /// How long a connection may send nothing (between requests, or partway through a request) before it is
    /// closed; `nil` never closes one, so a client that stops sending, or lies about its `Content-Length`, holds
    /// its connection for good. A response being written is never cut short.
    public var idleTimeout: Duration? = .seconds(120)
    /// How long a request may take to arrive in full, head and body, from its first bytes (10 minutes by default);
    /// then its connection is closed. The idle timeout restarts with every bit of a request read, so without this a
    /// client sending a byte now and then holds its connection, and the server's buffers, for good. `nil` for no
    /// limit.
    public var requestTimeout: Duration? = .seconds(600)
    /// The most image pixels decoded at once across all requests (predictions, quick tests, suggestions,
    /// renditions), 64 megapixels by default: a decode waits until its pixels fit, so a few images declaring
    /// 10,000 × 10,000 pixels decode one at a time instead of together exhausting memory. A single larger image
    /// still decodes, alone.
    public var pixelBudget: Int = 64_000_000

    /// A configuration; `nil` keys are generated (and printed by `cvserver`).
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        dataDirectory: URL? = nil,
        inMemory: Bool = false,
        trainingKey: String? = nil,
        predictionKey: String? = nil,
        allowLocalURLs: Bool = false,
        faults: FaultConfiguration? = nil,
        tier: ServiceTier = .unlimited,
        maxBodySize: Int = 128 * 1024 * 1024,
        predictionOnly: Bool = false,
        modelBackend: any ModelBackend = TrainerBackend()
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.inMemory = inMemory || dataDirectory == nil
        self.trainingKey = trainingKey ?? Self.generateKey()
        self.predictionKey = predictionKey ?? Self.generateKey()
        self.allowLocalURLs = allowLocalURLs
        self.faults = faults
        self.tier = tier
        self.maxBodySize = maxBodySize
        self.predictionOnly = predictionOnly
        self.modelBackend = modelBackend
    }

    /// A random 32-hex-digit key, like the service's.
    public static func generateKey() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}

/// A pricing tier's quotas.
public struct ServiceTier: Sendable, Hashable {
    /// The tier's name (`F0`, `S0`).
    public var name: String
    /// Projects per resource.
    public var maxProjects: Int
    /// Training images per project.
    public var maxImagesPerProject: Int
    /// Requests per second before 429.
    public var transactionsPerSecond: Double

    /// A tier with these quotas.
    public init(name: String, maxProjects: Int, maxImagesPerProject: Int, transactionsPerSecond: Double) {
        self.name = name
        self.maxProjects = maxProjects
        self.maxImagesPerProject = maxImagesPerProject
        self.transactionsPerSecond = transactionsPerSecond
    }

    /// The free tier: 2 projects, 5,000 training images, 2 transactions per second.
    public static let f0 = ServiceTier(name: "F0", maxProjects: 2, maxImagesPerProject: 5_000, transactionsPerSecond: 2)
    /// The standard tier: 100 projects, 100,000 images, 10 transactions per second.
    public static let s0 = ServiceTier(
        name: "S0", maxProjects: 100, maxImagesPerProject: 100_000, transactionsPerSecond: 10)

    /// No quotas and no rate limit (fast local test suites).
    public static let unlimited = ServiceTier(
        name: "none", maxProjects: .max, maxImagesPerProject: .max, transactionsPerSecond: .infinity)

    /// The tier named `name` (case-insensitive: `F0`, `S0`, `none`), or `nil`.
    public static func named(_ name: String) -> ServiceTier? {
        switch name.uppercased() {
        case "F0": .f0
        case "S0": .s0
        case "NONE": .unlimited
        default: nil
        }
    }
}
